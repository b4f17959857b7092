import type { Analyzer, AnalyzerResult } from '../analyzer.ts';
import { purl } from '../purl.ts';
import { packagesFromResults, smallFileConsumer, type SmallFileResult } from '../small-file.ts';

/** A package.json larger than this is not a manifest npm wrote (the largest on the registry are a few hundred KiB). */
export const MANIFEST_LIMIT = 1024 * 1024;

/**
 * `…/node_modules/NAME/package.json` and `…/node_modules/@SCOPE/NAME/package.json`: the
 * manifests of installed packages, at any depth (nested node_modules, pnpm's
 * `.pnpm/x@1/node_modules/x`, a global `usr/lib/node_modules`). Not a package.json
 * deeper inside a package (`node_modules/x/esm/package.json` only marks a module type),
 * not dot-directories (`.bin`, `.cache`), and not the project's own package.json: it
 * names the application, not an installed dependency, and its `dependencies` are ranges,
 * not versions.
 */
const MANIFEST = /(?:^|\/)node_modules\/(?:@[^/.][^/]*\/)?[^/.@][^/]*\/package\.json$/;

interface Manifest {
  name: string;
  version: string;
  licenses: string[];
}

/**
 * npm packages from the manifests of installed packages, each with the package.json that
 * proved it. The manifest's own `name` is used, not the directory's: an alias
 * (`npm install foo@npm:bar`) installs bar under node_modules/foo, and advisories name bar.
 * Workspace links (node_modules/x → ../packages/x) are symlinks, not files: the
 * workspace's code is the project's own, so it is not listed. Every copy of a package is
 * listed with its path (nested node_modules hold different versions). Files are parsed as
 * they stream past and only name, version and licences are kept, so a tree of 100,000
 * packages costs memory for their names, not their manifests.
 */
export const analyzer: Analyzer<SmallFileResult<Manifest>> = {
  name: 'npm',
  version: 1,
  kind: 'packages',
  want(file) {
    return file.path.endsWith('/package.json') && MANIFEST.test(file.path) ? 'stream' : undefined;
  },
  consume() {
    return smallFileConsumer({ limit: MANIFEST_LIMIT, parse: parseManifest });
  },
  analyze(ctx) {
    return packagesFromResults(ctx.streamed, 'npm', (m) => {
      const slash = m.name.indexOf('/');
      const [namespace, name] = m.name.startsWith('@') ? [m.name.slice(0, slash), m.name.slice(slash + 1)] : [undefined, m.name];
      return { type: 'npm', name: m.name, version: m.version, ...(m.licenses.length ? { licenses: m.licenses } : {}), purl: purl('npm', namespace, name, m.version) };
    }) satisfies AnalyzerResult;
  },
};

// npm's own rules for a published name (validate-npm-package-name): at most 214
// characters, URL-safe, lower case for new packages (old ones such as JSONStream keep
// capitals), a scope only as `@scope/name`.
const NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-zA-Z0-9~][a-zA-Z0-9._~-]*$/;

/** A manifest's name, version and licences, or why it proves no package. */
export function parseManifest(bytes: Buffer): SmallFileResult<Manifest> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, message: `it is not valid JSON (${(e as Error).message}); the package in its directory is not listed` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, message: 'it is not a JSON object; the package in its directory is not listed' };
  const { name, version } = doc as Record<string, unknown>;
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 214) {
    return { ok: false, message: typeof name === 'string' ? `its name ${JSON.stringify(name.slice(0, 100))} is not an npm package name; it was skipped` : 'it has no "name"; the package in its directory is not listed' };
  }
  if (typeof version !== 'string' || version.trim() === '' || version.length > 256) {
    return { ok: false, message: `package ${name} has no "version"; it was skipped` };
  }
  return { ok: true, value: { name, version: version.trim(), licenses: licensesOf(doc as Record<string, unknown>) } };
}

/** `license: "MIT"`, and the forms npm deprecated but old packages still carry: `license: { type }`, `licenses: [{ type }]`. */
function licensesOf(doc: Record<string, unknown>): string[] {
  const one = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v.trim() || undefined;
    if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') return ((v as { type: string }).type.trim() || undefined);
    return undefined;
  };
  const out: string[] = [];
  const direct = one(doc.license);
  if (direct) out.push(direct);
  if (Array.isArray(doc.licenses)) for (const l of doc.licenses) {
    const s = one(l);
    if (s && !out.includes(s)) out.push(s);
  }
  return out.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
}
