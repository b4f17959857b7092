/**
 * rpm's own "ndb" package database (`Packages.db`: SUSE since SLES 15 SP?/openSUSE
 * 2021), as rpm's backend/ndb/rpmpkg.c writes it, all numbers little-endian:
 *
 * - a 32-byte header (`RpmP`, version 0, generation, slot page count, next package index)
 *   in the first 4 KiB page, which is also the first slot page;
 * - slot pages of 4 KiB, 256 slots of 16 bytes (`Slot`, package index, block offset,
 *   block count); index 0 is a free slot, and the header takes slots 0 and 1;
 * - blobs at block offset × 16: a head (`BlbS`, package index, generation, length), the
 *   header blob, zero padding to a whole block, and a tail (Adler-32 of everything before
 *   it, length, `BlbE`).
 *
 * Each blob is checked as rpm checks it (magic, index, block count, length, checksum), so a
 * damaged database is an error, not a shorter list.
 */
import { adler32 } from './adler32.ts';

const HEADER_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const HEAD_MAGIC = 0x53626c42; // "BlbS"
const TAIL_MAGIC = 0x45626c42; // "BlbE"
const PAGE = 4096;
const SLOT = 16;
const BLK = 16;
const HEAD = 16;
const TAIL = 12;
/** rpm's PKGDB_MAX_SLOTNPAGES bounds the slot area (2048 pages: half a million packages). */
const MAX_SLOT_PAGES = 2048;

export class NdbError extends Error {
  override readonly name = 'NdbError';
}

export function isNdb(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === HEADER_MAGIC;
}

export function* ndbBlobs(db: Buffer): Generator<{ index: number; blob: Buffer }> {
  if (db.length < PAGE) throw new NdbError(`it is ${db.length} bytes, shorter than one slot page`);
  if (!isNdb(db)) throw new NdbError('it does not start with the "RpmP" magic');
  const version = db.readUInt32LE(4);
  if (version !== 0) throw new NdbError(`its format version is ${version}; Moat reads version 0, the only one rpm writes`);
  const slotPages = db.readUInt32LE(12);
  if (slotPages < 1 || slotPages > MAX_SLOT_PAGES) throw new NdbError(`it claims ${slotPages} slot pages (rpm allows 1 to ${MAX_SLOT_PAGES})`);
  if (slotPages * PAGE > db.length) throw new NdbError(`its ${slotPages} slot pages need ${slotPages * PAGE} bytes, the file has ${db.length}: it is truncated`);
  const blocks = Math.floor(db.length / BLK);
  const seen = new Set<number>();
  for (let slot = 2; slot < (slotPages * PAGE) / SLOT; slot++) {
    const at = slot * SLOT;
    if (db.readUInt32LE(at) !== SLOT_MAGIC) throw new NdbError(`slot ${slot} has no "Slot" magic: the slot pages are damaged`);
    const index = db.readUInt32LE(at + 4);
    if (index === 0) continue;
    const blkoff = db.readUInt32LE(at + 8);
    const blkcnt = db.readUInt32LE(at + 12);
    const where = `package ${index} (slot ${slot})`;
    if (seen.has(index)) throw new NdbError(`${where} appears in two slots`);
    seen.add(index);
    if (blkoff < (slotPages * PAGE) / BLK || blkcnt < Math.ceil((HEAD + TAIL) / BLK) || blkoff + blkcnt > blocks) {
      throw new NdbError(`${where} points at blocks ${blkoff}+${blkcnt}, outside the file's blob area (blocks ${(slotPages * PAGE) / BLK} to ${blocks})`);
    }
    const start = blkoff * BLK;
    const end = start + blkcnt * BLK;
    if (db.readUInt32LE(start) !== HEAD_MAGIC || db.readUInt32LE(start + 4) !== index) throw new NdbError(`${where}: its blob has no "BlbS" head for that package`);
    const length = db.readUInt32LE(start + 12);
    if (blkcnt !== Math.ceil((HEAD + length + TAIL) / BLK)) throw new NdbError(`${where}: its blob length ${length} does not fill its ${blkcnt} blocks`);
    const tail = end - TAIL;
    if (db.readUInt32LE(tail + 8) !== TAIL_MAGIC || db.readUInt32LE(tail + 4) !== length) throw new NdbError(`${where}: its blob has no matching "BlbE" tail`);
    if (adler32(db.subarray(start, tail)) !== db.readUInt32LE(tail)) throw new NdbError(`${where}: its blob fails its Adler-32 checksum`);
    yield { index, blob: db.subarray(start + HEAD, start + HEAD + length) };
  }
}
