/**
 * Writes rpm's ndb `Packages.db` the way backend/ndb/rpmpkg.c lays it out (header in
 * the first slot page, 16-byte slots, blobs with head, padding and Adler-32 tail).
 * Debian's rpm is built without ndb, so no real tool here can write one; this writer
 * follows rpm's source, and the reader was also checked by hand against a real SLE 15
 * database (the integrator's notes say how).
 */
import { deflateSync } from 'node:zlib';

const PAGE = 4096;

/** Adler-32 from zlib itself: the last 4 bytes of a zlib stream are the Adler-32 of its input. */
function zlibAdler32(data: Buffer): number {
  const z = deflateSync(data, { level: 0 });
  return z.readUInt32BE(z.length - 4);
}

export function makeNdb(blobs: Buffer[], opts: { slotPages?: number } = {}): Buffer {
  const slotPages = opts.slotPages ?? 1;
  const parts: Buffer[] = [];
  const slots = Buffer.alloc(slotPages * PAGE);
  slots.write('RpmP', 0, 'latin1');
  slots.writeUInt32LE(0, 4);
  slots.writeUInt32LE(1, 8);
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(blobs.length + 1, 16);
  for (let s = 2; s < (slotPages * PAGE) / 16; s++) slots.write('Slot', s * 16, 'latin1');
  let blk = (slotPages * PAGE) / 16;
  blobs.forEach((blob, i) => {
    const index = i + 1;
    const cnt = Math.ceil((16 + blob.length + 12) / 16);
    const b = Buffer.alloc(cnt * 16);
    b.write('BlbS', 0, 'latin1');
    b.writeUInt32LE(index, 4);
    b.writeUInt32LE(7, 8);
    b.writeUInt32LE(blob.length, 12);
    blob.copy(b, 16);
    const tail = b.length - 12;
    b.writeUInt32LE(zlibAdler32(b.subarray(0, tail)), tail);
    b.writeUInt32LE(blob.length, tail + 4);
    b.write('BlbE', tail + 8, 'latin1');
    const slot = (2 + i) * 16;
    slots.writeUInt32LE(index, slot + 4);
    slots.writeUInt32LE(blk, slot + 8);
    slots.writeUInt32LE(cnt, slot + 12);
    blk += cnt;
    parts.push(b);
  });
  return Buffer.concat([slots, ...parts]);
}
