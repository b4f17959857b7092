import type { ArchiveContents } from './archive.ts';

export interface JavaPackage {
  /** Maven groupId, when the archive says it. */
  group?: string;
  artifact: string;
  version: string;
  /** The file inside the archive that proved it (`!/`-joined through nested archives); absent when only the outer file name did. */
  inArchive?: string;
}

// Maven coordinates: what Maven itself accepts for groupId, artifactId and version.
const ID = /^[A-Za-z0-9_.-]{1,200}$/;
const VERSION = /^[^\s/\\:]{1,200}$/;

/** Java `.properties` (what Maven writes to pom.properties): `key=value` or `key: value`, comments, escapes, continued lines. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i] as string).replace(/^[ \t\f]+/, '');
    const m = /^((?:\\.|[^=:\s\\])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/.exec(line);
    if (!m) continue;
    const unescape = (s: string): string => s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c));
    const key = unescape(m[1] as string);
    if (!out.has(key)) out.set(key, unescape(m[2] as string).trim());
  }
  return out;
}

/** The main section of a JAR manifest: `Name: value` lines wrapped at 72 bytes, a continuation starting with one space. */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break; // the main section ends at the first empty line; per-entry sections follow
    if (line[0] === ' ' && last !== undefined) {
      out.set(last, (out.get(last) as string) + line.slice(1));
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) {
      last = undefined;
      continue;
    }
    last = line.slice(0, colon);
    if (!out.has(last)) out.set(last, line.slice(colon + 2));
    else last = undefined;
  }
  return out;
}

/** `commons-lang3-3.12.0.jar` → commons-lang3, 3.12.0 (the version starts at the first `-digit`). */
export function fromFileName(name: string): { artifact: string; version: string } | undefined {
  const m = /^(.+?)-(\d[^/]*)\.(?:jar|war|ear|jpi|hpi)$/i.exec(name);
  return m && ID.test(m[1] as string) && VERSION.test(m[2] as string) ? { artifact: m[1] as string, version: m[2] as string } : undefined;
}

/**
 * Packages of every archive read: its pom.properties files; when it has none, its
 * manifest; then its file name. Problems found while reading are passed on.
 */
export function packagesOf(contents: ArchiveContents, outerName: string): { packages: JavaPackage[]; problems: string[] } {
  const packages: JavaPackage[] = [];
  const problems = [...contents.problems];
  for (const archive of contents.archives) {
    let found = false;
    for (const pom of archive.poms) {
      const p = parseProperties(pom.text);
      const [group, artifact, version] = [p.get('groupId') ?? '', p.get('artifactId') ?? '', p.get('version') ?? ''];
      if (!ID.test(group) || !ID.test(artifact) || !VERSION.test(version)) {
        problems.push(`${pom.path} does not give a valid groupId, artifactId and version; it was skipped`);
        continue;
      }
      packages.push({ group, artifact, version, inArchive: pom.path });
      found = true;
    }
    if (found) continue;
    const name = archive.path === '' ? outerName : archive.path.slice(archive.path.lastIndexOf('/') + 1);
    const fromName = fromFileName(name);
    const m = archive.manifest ? parseManifest(archive.manifest.text) : new Map<string, string>();
    const title = m.get('Bundle-SymbolicName')?.split(';')[0]?.trim() || m.get('Implementation-Title')?.trim();
    const version = m.get('Bundle-Version')?.trim() || m.get('Implementation-Version')?.trim();
    if (title && version && ID.test(title) && VERSION.test(version)) packages.push({ artifact: title, version, ...(archive.manifest ? { inArchive: archive.manifest.path } : {}) });
    else if (fromName) packages.push({ ...fromName, ...(archive.path ? { inArchive: archive.path } : {}) });
  }
  return { packages, problems };
}
