/**
 * Archive names → paths inside the image root: no leading slash, no `.` or empty
 * components, `..` applied. A name whose `..` climbs above the root is a breakout: Docker
 * refuses such a layer ("invalid tar header" / breakout error) and so does Moat.
 */
export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

/** Linux's PATH_MAX: a longer name cannot be unpacked by Docker either. */
export const MAX_PATH_BYTES = 4096;

export function normalizeEntryPath(name: string): PathResult {
  if (name.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return { ok: false, reason: `is longer than ${MAX_PATH_BYTES} bytes (PATH_MAX)` };
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return { ok: false, reason: 'climbs above the image root with ".."' };
      out.pop();
      continue;
    }
    out.push(part);
  }
  return { ok: true, path: out.join('/') };
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('/');
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** `/` + path, for messages and SBOM evidence. */
export function displayPath(path: string): string {
  return `/${path}`;
}
