/**
 * The values of a BerkeleyDB hash database: rpm's `Packages` file up to RHEL 8 (and
 * Amazon Linux 2, CentOS 7, SLES 12), one header blob per value. The page format is
 * BerkeleyDB's (db_page.h, hash.h): a hash metadata page, then pages of a fixed size,
 * each with a 26-byte header; hash pages hold key/value items, small ones inline
 * (H_KEYDATA), large ones as a chain of overflow pages (H_OFFPAGE). Every hash page is
 * read in file order (the free list holds no hash pages), every number taken from the
 * file is checked before it is followed, and chains are bounded by the page count.
 */

const HASH_MAGIC = 0x061561;
const P_HASHMETA = 8;
const P_HASH_UNSORTED = 2;
const P_HASH = 13;
const P_OVERFLOW = 7;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;
const PAGE_HEADER = 26;

export class BdbError extends Error {
  override readonly name = 'BdbError';
}

/** True when `head` starts like a BerkeleyDB hash database, in either byte order. */
export function isBdbHash(head: Buffer): boolean {
  return head.length >= 16 && (head.readUInt32LE(12) === HASH_MAGIC || head.readUInt32BE(12) === HASH_MAGIC);
}

/** Another BerkeleyDB access method (btree 0x053162, queue 0x042253) or none, for the error message. */
export function bdbKind(head: Buffer): string | undefined {
  if (head.length < 16) return undefined;
  const names: Record<number, string> = { 0x053162: 'btree', 0x042253: 'queue', [HASH_MAGIC]: 'hash' };
  return names[head.readUInt32LE(12)] ?? names[head.readUInt32BE(12)];
}

export function* bdbHashValues(db: Buffer): Generator<{ key: Buffer; value: Buffer }> {
  if (db.length < 512) throw new BdbError(`it is ${db.length} bytes, too short for a BerkeleyDB database`);
  const le = db.readUInt32LE(12) === HASH_MAGIC;
  if (!le && db.readUInt32BE(12) !== HASH_MAGIC) throw new BdbError(`it is not a BerkeleyDB hash database (magic ${db.readUInt32LE(12).toString(16)})`);
  const u32 = (at: number): number => (le ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const u16 = (at: number): number => (le ? db.readUInt16LE(at) : db.readUInt16BE(at));
  const version = u32(16);
  const pageSize = u32(20);
  if (version < 7 || version > 10) throw new BdbError(`its hash format version is ${version}; Moat reads versions 7 to 10 (BerkeleyDB 4.2 to 6)`);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new BdbError(`its page size ${pageSize} is not a power of two between 512 and 65536`);
  if (db[24] !== 0) throw new BdbError('it is encrypted');
  if (db[25] !== P_HASHMETA) throw new BdbError(`its first page has type ${db[25]}, not a hash metadata page`);
  // DBMETA_CHKSUM: pages then carry a checksum and a longer header.
  if ((db[26] as number) & 0x01) throw new BdbError('it uses page checksums, which rpm never enables');
  const lastPage = u32(32);
  const pages = Math.floor(db.length / pageSize);
  if (lastPage >= pages) throw new BdbError(`its metadata names page ${lastPage} as the last, but the file holds ${pages} pages: it is truncated`);

  const overflow = (first: number, total: number): Buffer => {
    const parts: Buffer[] = [];
    let got = 0;
    let pgno = first;
    for (let steps = 0; pgno !== 0; steps++) {
      if (steps > lastPage || pgno > lastPage) throw new BdbError(`an overflow chain reaches page ${pgno}, past the last page ${lastPage} or in a loop`);
      const at = pgno * pageSize;
      if (db[at + 25] !== P_OVERFLOW) throw new BdbError(`page ${pgno} of an overflow chain has type ${db[at + 25]}`);
      const used = u16(at + 22);
      if (used > pageSize - PAGE_HEADER) throw new BdbError(`overflow page ${pgno} claims ${used} bytes, more than a page holds`);
      parts.push(db.subarray(at + PAGE_HEADER, at + PAGE_HEADER + used));
      got += used;
      if (got > total) throw new BdbError(`the overflow chain from page ${first} holds more than the ${total} bytes its item declares`);
      pgno = u32(at + 16);
    }
    if (got !== total) throw new BdbError(`the overflow chain from page ${first} holds ${got} bytes, its item declares ${total}`);
    return Buffer.concat(parts, total);
  };

  const item = (page: number, i: number, offsets: number[]): Buffer => {
    const at = page * pageSize;
    const start = offsets[i] as number;
    const end = i === 0 ? pageSize : (offsets[i - 1] as number);
    if (start < PAGE_HEADER || start >= end || end > pageSize) throw new BdbError(`item ${i} of page ${page} lies outside the page`);
    const type = db[at + start];
    if (type === H_KEYDATA) return db.subarray(at + start + 1, at + end);
    if (type === H_OFFPAGE) {
      if (end - start < 12) throw new BdbError(`item ${i} of page ${page} is too short for an off-page reference`);
      return overflow(u32(at + start + 4), u32(at + start + 8));
    }
    if (type === H_DUPLICATE || type === H_OFFDUP) throw new BdbError(`page ${page} holds duplicate values, which rpm's Packages database never has`);
    throw new BdbError(`item ${i} of page ${page} has unknown type ${type}`);
  };

  for (let page = 1; page <= lastPage; page++) {
    const at = page * pageSize;
    const type = db[at + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    if (u32(at + 8) !== page) throw new BdbError(`page ${page} says it is page ${u32(at + 8)}: the file is damaged`);
    const entries = u16(at + 20);
    if (entries % 2 !== 0) throw new BdbError(`hash page ${page} has ${entries} items; keys and values come in pairs`);
    if (PAGE_HEADER + entries * 2 > pageSize) throw new BdbError(`hash page ${page} claims ${entries} items, more than fit`);
    const offsets = Array.from({ length: entries }, (_, i) => u16(at + PAGE_HEADER + i * 2));
    for (let i = 0; i < entries; i += 2) yield { key: item(page, i, offsets), value: item(page, i + 1, offsets) };
  }
}
