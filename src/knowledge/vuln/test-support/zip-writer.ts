/**
 * A minimal zip writer for tests and benchmarks: deflated or stored entries, streamed to
 * a file, and the hostile archives that library writers refuse to make (names with
 * `..`, sizes that lie). Not for production: Moat never writes archives.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface EntryOptions {
  /** Store instead of deflating. */
  store?: boolean;
  /** Declare this uncompressed size instead of the real one (a lying header). */
  declaredSize?: number;
}

export class ZipWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly central: Buffer[] = [];
  private count = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  add(name: string, data: Buffer | string, options: EntryOptions = {}): void {
    const raw = typeof data === 'string' ? Buffer.from(data) : data;
    const body = options.store ? raw : deflateRawSync(raw);
    const method = options.store ? 0 : 8;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(raw);
    const size = options.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(nameBytes.length, 28);
    header.writeUInt32LE(this.offset, 42);
    this.central.push(header, nameBytes);
    this.write(local);
    this.write(nameBytes);
    this.write(body);
    this.count++;
  }

  /**
   * Lists the last entry `times` more times in the central directory, every copy pointing at
   * the same bytes: a small archive whose directory promises far more than the file holds.
   */
  repeatLast(times: number): void {
    const header = this.central.at(-2);
    const name = this.central.at(-1);
    if (header === undefined || name === undefined) throw new Error('repeatLast: no entry yet');
    for (let i = 0; i < times; i++) this.central.push(header, name);
    this.count += times;
  }

  close(): void {
    const start = this.offset;
    for (const b of this.central) this.write(b);
    const size = this.offset - start;
    if (this.count > 0xfffe) {
      // Zip64 end records: more entries than the classic 16-bit count holds.
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(this.count), 24);
      end64.writeBigUInt64LE(BigInt(this.count), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      this.write(end64);
      this.write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(this.count, 0xffff), 8);
    end.writeUInt16LE(Math.min(this.count, 0xffff), 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    this.write(end);
    this.flush();
    closeSync(this.fd);
  }

  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private write(b: Buffer): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.offset += b.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length > 0) writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
