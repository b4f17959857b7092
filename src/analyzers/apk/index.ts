import { readText, type Analyzer } from '../analyzer.ts';
import type { InventoryProblem, Package } from '../../models/inventory.ts';
import { distroQualifier, purl } from '../purl.ts';

const INSTALLED = 'lib/apk/db/installed';

/**
 * Alpine packages from apk's installed database: blank-line separated records of
 * `X:value` lines (`P` name, `V` version, `A` arch, `o` origin, `L` licence). The origin
 * is the source package Alpine's advisories (secdb) name.
 */
export const analyzer: Analyzer = {
  name: 'apk',
  version: 1,
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
    return { packages, problems };
  },
};

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
