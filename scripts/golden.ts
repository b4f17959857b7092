/**
 * Golden check for changes that must not change behaviour (a restructure): records what
 * Moat says about fixed inputs, then compares a later run with the record.
 *
 *   node scripts/golden.ts record DIR     # before the change
 *   node scripts/golden.ts compare DIR    # after it: exit 0 when every document is the same
 *
 * The inputs: `moat audit --format json` of the real-engine matrix (one container per
 * insecure setting, test/support/matrix.ts); `moat lint --format json` of the generated
 * Dockerfile and compose corpus the lint bench uses plus hadolint's 1,103 spec Dockerfiles;
 * `moat sbom --format cyclonedx` of the Debian test image; `moat scan --format json` of it
 * with imported advisories. Run `npm run build` first: the CLI measured is dist/moat.
 *
 * What differs from run to run by nature is set aside before comparing: timestamps,
 * durations, serial numbers, container ids (replaced by names), the run's temp paths and
 * the matrix's process-specific name prefix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateComposeCorpus, generateCorpus } from '../bench/dockerfile-corpus.ts';
import { docker } from '../test/support/engine.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../test/support/images.ts';
import { startMatrix } from '../test/support/matrix.ts';

const CLI = join(import.meta.dirname, '..', 'dist', 'moat', 'bin.js');
const VOLATILE_KEY = /^(time|timestamp|startTime|endTime|startTimeUtc|endTimeUtc|generatedAt|started|finished|startedAt|finishedAt|created|durationMs|duration|ms|elapsed|serialNumber)$/i;

/** Section 6 counts every image and container on the engine, which other users of a shared engine change. */
const ENGINE_WIDE: Array<[RegExp, string]> = [
  [/\b\d+ of \d+ (images|containers) (are used by no container|are not running)/g, 'N of M $1 $2'],
  // The host's listening sockets and the exec ids and pids of the matrix differ from run to run.
  [/(containerd-debug\.sock) and \d+ more/g, '$1 and N more'],
  [/\/exec\/[0-9a-f]{64}\//g, '/exec/<id>/'],
  [/\bexec [0-9a-f]{12}\b/g, 'exec <id>'],
  [/\bpid \d+/g, 'pid <n>'],
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function moat(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** The document with run-specific values replaced, keys in a stable order. */
function normalise(text: string, replacements: ReadonlyArray<readonly [string | RegExp, string]>): string {
  let s = text;
  for (const [from, to] of replacements) s = typeof from === 'string' ? s.split(from).join(to) : s.replace(from, to);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = VOLATILE_KEY.test(k) ? '<volatile>' : walk((v as Record<string, unknown>)[k]);
    // The engine lists containers in no fixed order, so findings of equal rank may come in any order.
    if (Array.isArray(out.findings)) out.findings = (out.findings as unknown[]).map((f) => [JSON.stringify(f), f] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, f]) => f);
    return out;
  };
  return `${JSON.stringify(walk(JSON.parse(s)), null, 1)}\n`;
}

async function auditMatrix(): Promise<{ name: string; text: string }> {
  const matrix = await startMatrix('golden');
  try {
    const names = [...matrix.names.values()];
    const run = await moat(['audit', '--format', 'json', '--fail-on', 'none', '--all', ...names.flatMap((n) => ['--container', n])]);
    if (run.code !== 0) throw new Error(`moat audit exited ${run.code}: ${run.stderr}`);
    const ids = (await docker('inspect', '--format', '{{.Id}} {{.Name}}', ...names)).split('\n').filter(Boolean);
    const prefix = names[0]?.replace(/-[^-]+$/, '') ?? '';
    const replacements: Array<[string | RegExp, string]> = [];
    for (const line of ids) {
      const [id, name] = line.split(' ') as [string, string];
      replacements.push([id, name.slice(1)], [id.slice(0, 12), name.slice(1)]);
    }
    replacements.push(...ENGINE_WIDE);
    replacements.push([prefix, 'moat-test-golden'], [/moat-test-propagation-[A-Za-z0-9]+/g, 'moat-test-propagation-X']);
    return { name: 'audit.json', text: normalise(run.stdout, replacements) };
  } finally {
    await matrix.cleanup();
  }
}

async function lintCorpus(work: string): Promise<{ name: string; text: string }> {
  const dir = join(work, 'lint');
  mkdirSync(dir, { recursive: true });
  for (const f of generateCorpus(300)) {
    mkdirSync(join(dir, 'generated', f.name), { recursive: true });
    writeFileSync(join(dir, 'generated', f.name, 'Dockerfile'), f.text);
  }
  for (const f of generateComposeCorpus(100)) {
    mkdirSync(join(dir, 'compose', f.name), { recursive: true });
    writeFileSync(join(dir, 'compose', f.name, 'compose.yaml'), f.text);
  }
  const cases = readFileSync(join(import.meta.dirname, '..', 'test', 'conformance', 'hadolint', 'cases.jsonl'), 'utf8').split('\n').filter(Boolean);
  cases.forEach((line, i) => {
    const c = JSON.parse(line) as { dockerfile: string };
    mkdirSync(join(dir, 'hadolint', String(i)), { recursive: true });
    writeFileSync(join(dir, 'hadolint', String(i), 'Dockerfile'), c.dockerfile);
  });
  const run = await moat(['lint', '--format', 'json', '--fail-on', 'none', dir]);
  if (run.code !== 0 && run.code !== 3) throw new Error(`moat lint exited ${run.code}: ${run.stderr}`);
  return { name: 'lint.json', text: normalise(run.stdout, [[work, '<work>']]) };
}

const ADVISORIES = [
  { id: 'DSA-9901-1', upstream: ['CVE-9999-9901'], summary: 'Golden advisory: openssl', affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99.0-1' }] }] }] },
  { id: 'DSA-9902-1', upstream: ['CVE-9999-9902'], summary: 'Golden advisory: curl, no fix', affected: [{ package: { ecosystem: 'Debian:12', name: 'curl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] },
  { id: 'DSA-9903-1', upstream: ['CVE-9999-9903'], summary: 'Golden advisory: glibc, fixed long ago', affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0-1' }] }] }] },
].map((a) => ({ ...a, modified: '2020-01-01T00:00:00Z', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }));

async function imageDocuments(work: string): Promise<Array<{ name: string; text: string }>> {
  await ensureDebianImages();
  const image = DEBIAN_IMAGES.curl;
  const sbom = await moat(['sbom', '--format', 'cyclonedx', image]);
  if (sbom.code !== 0) throw new Error(`moat sbom exited ${sbom.code}: ${sbom.stderr}`);
  const osv = join(work, 'osv');
  mkdirSync(osv, { recursive: true });
  ADVISORIES.forEach((a) => writeFileSync(join(osv, `${a.id}.json`), JSON.stringify(a)));
  const env = { MOAT_DB: join(work, 'db', 'osv.sqlite') };
  const imported = await moat(['db', 'import', ...ADVISORIES.map((a) => join(osv, `${a.id}.json`))], env);
  if (imported.code !== 0) throw new Error(`moat db import exited ${imported.code}: ${imported.stderr}`);
  const scan = await moat(['scan', '--format', 'json', '--fail-on', 'none', image], env);
  if (scan.code !== 0) throw new Error(`moat scan exited ${scan.code}: ${scan.stderr}`);
  const urn = /urn:uuid:[0-9a-f-]{36}/g;
  return [
    { name: 'sbom.cdx.json', text: normalise(sbom.stdout, [[urn, 'urn:uuid:X'], [work, '<work>']]) },
    { name: 'scan.json', text: normalise(scan.stdout, [[work, '<work>']]) },
  ];
}

async function main(): Promise<number> {
  const [mode, dir] = process.argv.slice(2);
  if ((mode !== 'record' && mode !== 'compare') || !dir) {
    process.stderr.write('usage: node scripts/golden.ts record|compare DIR\n');
    return 2;
  }
  if (!existsSync(CLI)) {
    process.stderr.write(`golden: ${CLI} is missing: run npm run build first\n`);
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'moat-golden-'));
  try {
    const docs = [await auditMatrix(), await lintCorpus(work), ...(await imageDocuments(work))];
    if (mode === 'record') {
      mkdirSync(dir, { recursive: true });
      for (const d of docs) writeFileSync(join(dir, d.name), d.text);
      process.stdout.write(`golden: recorded ${docs.map((d) => `${d.name} (${d.text.length} bytes)`).join(', ')} in ${dir}\n`);
      return 0;
    }
    let differ = 0;
    for (const d of docs) {
      // A record made by an earlier version of this script is normalised again the same way (idempotent).
      const before = normalise(readFileSync(join(dir, d.name), 'utf8'), ENGINE_WIDE);
      if (before === d.text) {
        process.stdout.write(`golden: ${d.name}: identical (${d.text.length} bytes)\n`);
        continue;
      }
      differ++;
      const after = join(dir, `${d.name}.after`);
      writeFileSync(after, d.text);
      process.stdout.write(`golden: ${d.name}: DIFFERS — diff ${join(dir, d.name)} ${after}\n`);
    }
    return differ === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
