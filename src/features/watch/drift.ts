import * as v from 'valibot';
import type { Severity } from '../../models/finding.ts';
import type { DriftDetails } from './alert.ts';

/** `GET /containers/{id}/changes`. Kind: 0 modified, 1 added, 2 deleted. */
export const ChangesSchema = v.nullable(v.array(v.object({ Path: v.string(), Kind: v.picklist([0, 1, 2]) })));
export type Change = { Path: string; Kind: 0 | 1 | 2 };

/** The `X-Docker-Container-Path-Stat` header of `HEAD /containers/{id}/archive?path=`, base64 JSON. */
const PathStatSchema = v.object({ name: v.string(), size: v.number(), mode: v.number(), mtime: v.string(), linkTarget: v.nullish(v.string()) });
export type PathStat = v.InferOutput<typeof PathStatSchema>;

/** A header longer than this is not a stat of one path. */
const MAX_STAT_HEADER = 8 * 1024;

export function parsePathStat(header: string | undefined): PathStat | undefined {
  if (!header || header.length > MAX_STAT_HEADER) return undefined;
  try {
    const r = v.safeParse(PathStatSchema, JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
}

// Go's os.FileMode: the type lives in the high bits, the permissions in the low nine.
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_SETUID = 2 ** 23;
const MODE_SETGID = 2 ** 22;

const hasBit = (mode: number, bit: number): boolean => Math.floor(mode / bit) % 2 === 1;
export const isDirectory = (mode: number): boolean => hasBit(mode, MODE_DIR);
export const isSymlink = (mode: number): boolean => hasBit(mode, MODE_SYMLINK);
export const isRegular = (mode: number): boolean => [MODE_DIR, MODE_SYMLINK, 2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19].every((b) => !hasBit(mode, b));
export const isExecutable = (mode: number): boolean => isRegular(mode) && (mode & 0o111) !== 0;
export const isSetId = (mode: number): boolean => isRegular(mode) && (hasBit(mode, MODE_SETUID) || hasBit(mode, MODE_SETGID));

export const SYSTEM_DIRS = ['/etc', '/bin', '/sbin', '/usr', '/lib', '/lib32', '/lib64', '/libx32'] as const;

export function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((d) => path === d || path.startsWith(`${d}/`));
}

/**
 * Paths the engine lists only because something below them changed: a parent directory
 * of another listed path. They carry no drift of their own and need no stat.
 */
export function leafChanges(changes: readonly Change[]): Change[] {
  const paths = changes.map((c) => c.Path).sort();
  const parents = new Set<string>();
  for (let i = 0; i + 1 < paths.length; i++) {
    const p = paths[i] as string;
    const next = paths[i + 1] as string;
    if (next.startsWith(p === '/' ? '/' : `${p}/`)) parents.add(p);
  }
  return changes.filter((c) => !parents.has(c.Path));
}

export const CHANGE_NAMES = { 0: 'modified', 1: 'added', 2: 'deleted' } as const;

/** What one changed path amounts to, or undefined when it is not drift Moat alerts on. */
export function classifyChange(change: Change, stat: PathStat | undefined): DriftDetails | undefined {
  const path = change.Path;
  const base = { path, change: CHANGE_NAMES[change.Kind] };
  if (change.Kind === 2) return isSystemPath(path) ? { ...base, reason: 'system-path' } : undefined;
  if (!stat) return isSystemPath(path) ? { ...base, reason: 'system-path' } : undefined;
  if (isDirectory(stat.mode)) return undefined;
  const facts = {
    mode: `0${(stat.mode & 0o777).toString(8).padStart(3, '0')}`,
    size: stat.size,
    ...(isSetId(stat.mode) ? { setuid: true } : {}),
    ...(isSymlink(stat.mode) && stat.linkTarget ? { linkTarget: stat.linkTarget } : {}),
  };
  if (isExecutable(stat.mode)) return { ...base, reason: 'executable', ...facts };
  if (isSystemPath(path)) return { ...base, reason: 'system-path', ...facts };
  return undefined;
}

/** What the drift's identity is: the same file changed again (new size, time or mode) is new drift. */
export function changeSignature(change: Change, stat: PathStat | undefined): string {
  return stat ? `${change.Kind}:${stat.mode}:${stat.size}:${stat.mtime}` : `${change.Kind}`;
}

export function driftSeverity(d: DriftDetails): Severity {
  if (d.setuid) return 'critical';
  if (d.reason === 'executable') return 'high';
  return 'medium';
}

export function describeDrift(d: DriftDetails, container: string): string {
  const what = d.setuid ? 'setuid/setgid executable' : d.reason === 'executable' ? 'executable' : 'system file';
  return `drift in ${container}: ${d.change} ${what} ${d.path}${d.mode ? ` (mode ${d.mode})` : ''}`;
}
