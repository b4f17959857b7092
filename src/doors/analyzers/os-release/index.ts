import { readText, type Analyzer, type ReadonlyFiles } from '../analyzer.ts';
import type { InventoryProblem, OsRelease } from '../../../models/inventory.ts';
import { parseControl } from '../dpkg/control.ts';

// etc/os-release is usually a symlink to usr/lib/os-release (Debian, Ubuntu, Fedora):
// both are wanted, so the content is there whichever the link resolves to.
const RELEASE_FILES = ['etc/os-release', 'usr/lib/os-release'];
const ALPINE = 'etc/alpine-release';
const DEBIAN = 'etc/debian_version';
const STATUS_D = 'var/lib/dpkg/status.d';

/**
 * The distribution: os-release first (its `ID` decides), then Alpine's and Debian's own
 * release files, then, for distroless images that ship only dpkg's `status.d/`, the
 * version of the `base-files` package (`12.4+deb12u5` → Debian 12).
 */
export const analyzer: Analyzer = {
  name: 'os-release',
  version: 1,
  kind: 'os',
  want(file) {
    if (RELEASE_FILES.includes(file.path) || file.path === ALPINE || file.path === DEBIAN) return 'content';
    if (file.path.startsWith(`${STATUS_D}/`) && !file.path.endsWith('.md5sums')) return 'content';
    return undefined;
  },
  async analyze(ctx) {
    const problems: InventoryProblem[] = [];
    const read = (path: string): Promise<string | undefined> => readText(ctx.files, path, 'os-release', problems);
    for (const path of RELEASE_FILES) {
      const text = await read(path);
      if (text === undefined) continue;
      const os = fromOsRelease(text, realPath(ctx.files, path));
      if (os) return { os, problems };
      problems.push({ analyzer: 'os-release', path, message: `/${path} has no ID= line` });
    }
    const alpine = (await read(ALPINE))?.trim();
    if (alpine) return { os: { id: 'alpine', versionId: alpine, prettyName: `Alpine Linux v${alpine}`, idLike: [], foundIn: ALPINE }, problems };
    const debian = (await read(DEBIAN))?.trim();
    if (debian) return { os: fromDebianVersion(debian, DEBIAN), problems };
    const distroless = await fromBaseFiles(ctx.files, read);
    if (distroless) return { os: distroless, problems };
    return { problems };
  },
};

function realPath(files: ReadonlyFiles, path: string): string {
  return files.stat(path, true)?.path ?? path;
}

/** os-release(5): `KEY=value`, values optionally in single or double quotes with backslash escapes. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] as string;
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\`$])/g, '$1');
    }
    out.set(m[1] as string, value);
  }
  return out;
}

function fromOsRelease(text: string, foundIn: string): OsRelease | undefined {
  const kv = parseOsRelease(text);
  const id = kv.get('ID')?.toLowerCase();
  if (!id) return undefined;
  const versionId = kv.get('VERSION_ID');
  const codename = kv.get('VERSION_CODENAME');
  const pretty = kv.get('PRETTY_NAME');
  return {
    id,
    ...(versionId ? { versionId } : {}),
    ...(codename ? { versionCodename: codename } : {}),
    ...(pretty ? { prettyName: pretty } : {}),
    idLike: (kv.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    foundIn,
  };
}

/** `12.5` → Debian 12; `trixie/sid` → Debian testing, no version. */
function fromDebianVersion(text: string, foundIn: string): OsRelease {
  const major = /^(\d+)(\.\d+)*$/.exec(text)?.[1];
  return { id: 'debian', ...(major ? { versionId: major } : {}), prettyName: `Debian ${text}`, idLike: [], foundIn };
}

async function fromBaseFiles(files: ReadonlyFiles, read: (p: string) => Promise<string | undefined>): Promise<OsRelease | undefined> {
  // base-files first: distroless names the file after the package, with or without a version.
  const names = (files.list(STATUS_D) ?? []).sort((a, b) => Number(!a.startsWith('base')) - Number(!b.startsWith('base')));
  for (const name of names) {
    if (name.endsWith('.md5sums')) continue;
    const path = `${STATUS_D}/${name}`;
    const text = await read(path);
    if (text === undefined) continue;
    for (const p of parseControl(text).paragraphs) {
      if (p.fields.get('package') !== 'base-files') continue;
      const version = p.fields.get('version') ?? '';
      const major = /^(\d+)/.exec(version)?.[1];
      const ubuntu = /ubuntu/.test(version);
      return {
        id: ubuntu ? 'ubuntu' : 'debian',
        ...(major && !ubuntu ? { versionId: major } : {}),
        prettyName: `${ubuntu ? 'Ubuntu' : 'Debian'} (distroless, base-files ${version})`,
        idLike: [],
        foundIn: path,
      };
    }
  }
  return undefined;
}
