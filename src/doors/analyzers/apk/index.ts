import { LANGUAGE_PROOF, readText, type Analyzer } from '../analyzer.ts';
import type { InventoryProblem, Package } from '../../../models/inventory.ts';
import { distroQualifier, purl } from '../purl.ts';

const INSTALLED = 'lib/apk/db/installed';

/**
 * Alpine packages from apk's installed database: blank-line separated records of
 * `X:value` lines (`P` name, `V` version, `A` arch, `o` origin, `L` licence). The origin
 * is the source package Alpine's advisories (secdb) name.
 */
export const analyzer: Analyzer = {
  name: 'apk',
  version: 2,
  kind: 'packages',
  want(file) {
    return file.path === INSTALLED ? 'content' : undefined;
  },
  async analyze(ctx) {
    const packages: Package[] = [];
    const problems: InventoryProblem[] = [];
    const text = await readText(ctx.files, INSTALLED, 'apk', problems);
    if (text === undefined) return { problems };
    const info = ctx.files.stat(INSTALLED);
    for (const r of records(text)) {
      const name = r.fields.get('P');
      const version = r.fields.get('V');
      if (!name || !version) {
        problems.push({ analyzer: 'apk', path: INSTALLED, message: `/${INSTALLED}:${r.line}: a record has no ${name ? 'V (version)' : 'P (name)'} line; it was skipped` });
        continue;
      }
      const arch = r.fields.get('A');
      const origin = r.fields.get('o');
      const license = r.fields.get('L');
      packages.push({
        type: 'apk',
        name,
        version,
        source: { name: origin || name, version },
        ...(arch ? { arch } : {}),
        ...(license ? { licenses: [license] } : {}),
        purl: purl('apk', ctx.os?.id === 'alpine' || !ctx.os ? 'alpine' : ctx.os.id, name, version, { arch, distro: distroQualifier(ctx.os) }),
        foundIn: INSTALLED,
        ...(info?.layer ? { layer: info.layer.diffId } : {}),
        analyzer: 'apk',
      });
    }
    return { packages, problems, owned: ownedFiles(text).map((o) => ({ path: ctx.files.stat(o.path, false)?.path ?? o.path, by: o.by })) };
  },
};

/** `F:dir` then `R:file` lines of each record: the files its package installed (those that could prove a language package). */
function ownedFiles(text: string): Array<{ path: string; by: string }> {
  const out: Array<{ path: string; by: string }> = [];
  let pkg = '';
  let dir = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') pkg = dir = '';
    else if (line.startsWith('P:')) pkg = line.slice(2);
    else if (line.startsWith('F:')) dir = line.slice(2);
    else if (line.startsWith('R:') && pkg) {
      const path = dir ? `${dir}/${line.slice(2)}` : line.slice(2);
      if (LANGUAGE_PROOF.test(`/${path}`)) out.push({ path, by: `apk:${pkg}` });
    }
  }
  return out;
}

function* records(text: string): Generator<{ fields: Map<string, string>; line: number }> {
  let fields = new Map<string, string>();
  let start = 0;
  const lines = text.split('\n');
  for (let i = 0; i <= lines.length; i++) {
    const line = lines[i]?.replace(/\r$/, '') ?? '';
    if (line === '') {
      if (fields.size > 0) yield { fields, line: start };
      fields = new Map();
      continue;
    }
    if (fields.size === 0) start = i + 1;
    const m = /^([A-Za-z]):(.*)$/.exec(line);
    // Only the first of repeated keys matters here (files `R:` repeat; P/V/A/o/L do not).
    if (m && !fields.has(m[1] as string)) fields.set(m[1] as string, (m[2] as string).trim());
  }
}
