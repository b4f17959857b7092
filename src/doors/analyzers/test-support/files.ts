import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileTree, type Inode } from '../../image/files/tree.ts';
import type { Analyzer, AnalyzerResult, FileHeader } from '../analyzer.ts';
import { runAnalyzers } from '../run.ts';
import { scanImage } from '../../image/scan.ts';
import type { Inventory } from '../../../models/inventory.ts';

/** A merged view made directly: `{ 'etc/os-release': '…' }` files, `'-> target'` symlinks, `null` directories. Every file's content is kept. */
export function filesOf(spec: Record<string, string | null>): FileTree {
  const tree = new FileTree();
  tree.layers[0] = { index: 0, diffId: `sha256:${'1'.repeat(64)}` };
  for (const [path, value] of Object.entries(spec)) {
    const inode: Inode =
      value === null
        ? { type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer: 0, contentState: 'not-kept' }
        : value.startsWith('-> ')
          ? { type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, layer: 0, contentState: 'not-kept', linkname: value.slice(3) }
          : {
              type: 'file',
              size: Buffer.byteLength(value),
              mode: 0o644,
              uid: 0,
              gid: 0,
              layer: 0,
              contentState: 'kept',
              content: { kind: 'memory', data: Buffer.from(value) },
              digests: { sha1: createHash('sha1').update(value).digest('hex'), sha256: createHash('sha256').update(value).digest('hex') },
            };
    const why = tree.put(path, inode);
    if (why) throw new Error(`${path}: ${why}`);
  }
  return tree;
}

/** The header `want` sees for a regular file at `path`. */
export function header(path: string, mode = 0o644): FileHeader {
  return { path, type: 'file', size: 10, mode, uid: 0, gid: 0 };
}

/** Runs one analyzer (with the OS analyzer first, as a scan does) over such a view. */
export async function analyze(spec: Record<string, string | null>, analyzers: readonly Analyzer[]): Promise<Inventory> {
  return runAnalyzers(filesOf(spec), analyzers);
}

export type { AnalyzerResult };

export type DiskSpec = Record<string, string | Buffer | { data: string | Buffer; mode: number } | null>;

/**
 * Writes a root file system to a temp directory (`null` directories, `'-> target'`
 * symlinks, `{ data, mode }` for executables) and scans it the way `moat sbom --rootfs`
 * does: stream consumers see the bytes as in an image pass.
 */
export async function scanFiles(spec: DiskSpec, analyzers: readonly Analyzer[]): Promise<Inventory> {
  const root = mkdtempSync(join(tmpdir(), 'moat-analyzer-'));
  try {
    for (const [path, value] of Object.entries(spec)) {
      const abs = join(root, path);
      if (value === null) {
        mkdirSync(abs, { recursive: true });
        continue;
      }
      mkdirSync(dirname(abs), { recursive: true });
      if (typeof value === 'string' && value.startsWith('-> ')) symlinkSync(value.slice(3), abs);
      else if (typeof value === 'object' && !Buffer.isBuffer(value)) writeFileSync(abs, value.data, { mode: value.mode });
      else writeFileSync(abs, value);
    }
    return (await scanImage({ kind: 'rootfs', dir: root }, { analyzers })).inventory;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
