import { LANGUAGE_PROOF, readText, type Analyzer, type AnalysisContext, type AnalyzerResult, type StreamConsumer } from '../analyzer.ts';
import type { InventoryProblem, Package } from '../../../models/inventory.ts';
import { distroQualifier, purl } from '../purl.ts';
import { StringDecoder } from 'node:string_decoder';
import { parseControl, sourceOf } from './control.ts';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';

/**
 * dpkg states whose files are on disk. `not-installed` (purged), `config-files` (removed,
 * conffiles left) and `half-installed` (an install or removal that stopped part-way) are
 * not reported. The selection (`install`/`deinstall`/`hold`) says what the admin wants,
 * not what is there, so it does not decide.
 */
const PRESENT = new Set(['installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending']);

/**
 * Debian-family packages from dpkg's status database and from the per-package files
 * distroless images ship in `status.d/` (which carry no Status field: every entry there is
 * installed). Each package keeps its source package and version (`Source: name (version)`,
 * defaulting to its own), which is what Debian advisories name.
 */
export const analyzer: Analyzer<string[]> = {
  name: 'dpkg',
  version: 2,
  kind: 'packages',
  want(file) {
    if (file.path === STATUS) return 'content';
    // Each package's file list: only the lines that could prove a language package are kept.
    if (file.path.startsWith(INFO) && file.path.endsWith('.list') && !file.path.slice(INFO.length).includes('/')) return 'stream';
    if (file.path.startsWith(STATUS_D) && !file.path.endsWith('.md5sums') && !file.path.slice(STATUS_D.length).includes('/')) return 'content';
    return undefined;
  },
  async analyze(ctx) {
    const packages: Package[] = [];
    const problems: InventoryProblem[] = [];
    const sources = [STATUS, ...(ctx.files.list(STATUS_D.slice(0, -1)) ?? []).filter((n) => !n.endsWith('.md5sums')).map((n) => STATUS_D + n)];
    for (const path of sources) {
      const text = await readText(ctx.files, path, 'dpkg', problems);
      const info = ctx.files.stat(path);
      if (text === undefined || !info) continue;
      const found = parseStatus(text, path, ctx, path !== STATUS);
      packages.push(...found.packages.map((p) => ({ ...p, ...(info.layer ? { layer: info.layer.diffId } : {}) })));
      problems.push(...found.problems);
    }
    const owned = ctx.streamed.flatMap(({ file, result }) => {
      const by = `deb:${file.path.slice(INFO.length, -'.list'.length).replace(/:[^:]*$/, '')}`;
      return result.map((line) => ({ path: ctx.files.stat(line, false)?.path ?? line.replace(/^\/+/, ''), by }));
    });
    return { packages: dedupe(packages), problems, owned } satisfies AnalyzerResult;
  },
  consume: () => proofLines(),
};

/**
 * Lines of a file list (`/usr/lib/python3/dist-packages/yaml-6.0.dist-info/METADATA`) that
 * match LANGUAGE_PROOF; everything else passes by unkept, so a list of 10,000 files
 * costs a line buffer.
 */
export function proofLines(): StreamConsumer<string[]> {
  const kept: string[] = [];
  // A chunk may end inside a multi-byte character of a path.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const take = (line: string): void => {
    const l = line.replace(/\r$/, '');
    if (l.length < 4096 && LANGUAGE_PROOF.test(l)) kept.push(l);
  };
  return {
    write(chunk) {
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      // A line longer than any path is not one: drop it rather than grow without bound.
      if (rest.length > 8192) rest = '';
      for (const l of lines) take(l);
    },
    end() {
      rest += decoder.end();
      if (rest) take(rest);
      return kept.length ? kept : undefined;
    },
  };
}

function parseStatus(text: string, path: string, ctx: AnalysisContext, statusD: boolean): { packages: Package[]; problems: InventoryProblem[] } {
  const { paragraphs, errors } = parseControl(text);
  const problems: InventoryProblem[] = errors.map((message) => ({ analyzer: 'dpkg', path, message: `/${path}: ${message}` }));
  const packages: Package[] = [];
  const namespace = ctx.os && ctx.os.id !== 'debian' && (ctx.os.id === 'ubuntu' || ctx.os.idLike.includes('ubuntu')) ? 'ubuntu' : (ctx.os?.id ?? 'debian');
  for (const p of paragraphs) {
    const name = p.fields.get('package');
    const version = p.fields.get('version');
    const status = p.fields.get('status');
    if (!name) {
      problems.push({ analyzer: 'dpkg', path, message: `/${path}:${p.line}: a paragraph has no Package field; it was skipped` });
      continue;
    }
    const state = status?.split(/\s+/)[2];
    if (status !== undefined && !PRESENT.has(state ?? '')) continue;
    if (!version) {
      // dpkg keeps no version for packages it never unpacked; an installed one without is damage.
      problems.push({ analyzer: 'dpkg', path, message: `/${path}:${p.line}: package ${name} has no Version field; it was skipped` });
      continue;
    }
    const arch = p.fields.get('architecture');
    const source = sourceOf(p.fields, name, version);
    const added = ctx.files.stat(`var/lib/dpkg/info/${name}.list`) ?? (arch ? ctx.files.stat(`var/lib/dpkg/info/${name}:${arch}.list`) : undefined);
    packages.push({
      type: 'deb',
      name,
      version,
      source,
      ...(arch ? { arch } : {}),
      purl: purl('deb', namespace, name, version, { arch, distro: distroQualifier(ctx.os) }),
      foundIn: path,
      ...(added?.layer && !statusD ? { addedIn: added.layer.diffId } : {}),
      analyzer: 'dpkg',
    });
  }
  return { packages, problems };
}

/** The same package twice (status and status.d, or a repeated paragraph): the first wins. */
function dedupe(packages: Package[]): Package[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${p.name}\0${p.arch ?? ''}\0${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
