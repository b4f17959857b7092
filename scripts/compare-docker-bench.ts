/**
 * Builds the CIS id → Moat rule → agreement table of docs/docker-bench-comparison.md from
 * two results of the same host: Moat's JSON report (`moat audit --all --format json`) and
 * docker-bench-security's `-l FILE` JSON log (FILE.json). Reads files only.
 *
 *   node scripts/compare-docker-bench.ts moat.json bench.log.json notes.json > table.md
 *
 * notes.json maps a CIS id to the explanation of a disagreement (written by a person).
 */
import { readFileSync } from 'node:fs';

interface BenchResult {
  id: string;
  desc: string;
  result: 'PASS' | 'WARN' | 'INFO' | 'NOTE';
  items?: string[];
}
interface MoatDoc {
  checks: Array<{ ruleId: string; cis?: string; status: string; findings: number }>;
  findings: Array<{ ruleId: string; subject: { kind: string; name?: string }; suppressed?: unknown }>;
}

const [moatPath, benchPath, notesPath] = process.argv.slice(2);
if (!moatPath || !benchPath) {
  console.error('usage: compare-docker-bench.ts moat.json bench.log.json [notes.json]');
  process.exit(2);
}
const moat = JSON.parse(readFileSync(moatPath, 'utf8')) as MoatDoc;
const bench = JSON.parse(readFileSync(benchPath, 'utf8')) as { tests: Array<{ results: BenchResult[] }> };
const notes = notesPath ? (JSON.parse(readFileSync(notesPath, 'utf8')) as Record<string, string>) : {};

const benchById = new Map(bench.tests.flatMap((t) => t.results).filter((r) => /^[1-5]\./.test(r.id)).map((r) => [r.id, r]));
const checksByCis = Map.groupBy(moat.checks.filter((c) => c.cis), (c) => c.cis as string);
const order = (id: string): string => id.split('.').map((n) => n.padStart(3, '0')).join('.');
const ids = [...new Set([...benchById.keys(), ...checksByCis.keys()])].sort((a, b) => order(a).localeCompare(order(b)));

/** Moat's verdict in docker-bench's words: a failed check is WARN, info/n.a. is INFO. */
function moatVerdict(statuses: string[]): string {
  if (statuses.includes('fail')) return 'WARN';
  if (statuses.includes('info')) return 'INFO';
  if (statuses.length > 0 && statuses.every((s) => s === 'not-applicable')) return 'N/A';
  if (statuses.includes('error')) return 'ERROR';
  return statuses.length ? 'PASS' : '—';
}

function agree(b: BenchResult | undefined, m: string): string {
  if (!b) return 'Moat only';
  if (m === '—') return 'not covered';
  const bv = b.result === 'NOTE' ? 'INFO' : b.result;
  if (bv === m) return 'yes';
  if (bv === 'INFO' && m === 'N/A') return 'yes (n/a)';
  return 'no';
}

const rows = ['| CIS | Docker Bench | Moat rule(s) | Moat | agree | note |', '|---|---|---|---|---|---|'];
let same = 0;
let differ = 0;
for (const id of ids) {
  const b = benchById.get(id);
  const checks = checksByCis.get(id) ?? [];
  const m = moatVerdict(checks.map((c) => c.status));
  const a = agree(b, m);
  if (a.startsWith('yes')) same++;
  else if (a === 'no') differ++;
  const items = b?.items?.length ? ` (${b.items.length} item${b.items.length > 1 ? 's' : ''})` : '';
  const flagged = [...new Set(moat.findings.filter((f) => !f.suppressed && checks.some((c) => c.ruleId === f.ruleId)).map((f) => f.subject.name ?? f.subject.kind))];
  rows.push(
    `| ${id} | ${b ? `${b.result}${items}` : '—'} | ${checks.map((c) => `\`${c.ruleId}\``).join('<br>') || '—'} | ${m}${flagged.length && m !== 'PASS' ? ` (${flagged.length})` : ''} | ${a} | ${(notes[id] ?? '').replace(/\|/g, '\\|')} |`,
  );
}
console.log(rows.join('\n'));
console.log(`\n${same} agree, ${differ} differ, of ${ids.length} CIS ids.`);
