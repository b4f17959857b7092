/**
 * Writes docs/docker-bench-comparison.md from one side-by-side run
 * (scripts/docker-bench-side-by-side.ts): for every docker-bench check of sections 1-5 and
 * its community checks, the Moat rule(s) that cover it (their `peers.dockerBench`, else the
 * same CIS id), both verdicts, the containers or images on which they differ, and the
 * explanation of each disagreement from a notes file a person writes. Reads files only.
 *
 *   node scripts/compare-docker-bench.ts RUN_DIR docs/docker-bench-notes.json > docs/docker-bench-comparison.md
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules, auditRules } from '../src/knowledge/rules/index.ts';
import { BENCHMARKS, cisIdIn } from '../src/models/cis-benchmark.ts';

interface BenchResult {
  id: string;
  desc: string;
  result: 'PASS' | 'WARN' | 'INFO' | 'NOTE';
  items?: string[];
}
interface MoatDoc {
  durationMs: number;
  checks: Array<{ ruleId: string; status: string; reason?: string }>;
  findings: Array<{ ruleId: string; severity: string; evidence?: string; subject: { kind: string; name?: string }; suppressed?: unknown }>;
}
interface Run {
  date: string;
  engine: string;
  loadAverage?: string;
  containers: Array<{ case: string; name: string; running: boolean }>;
  timing: { dockerBenchMs: number; moatAllMs: number; moatRunningMs: number; commands: Record<string, string> };
}
interface Notes {
  /** Prose before the table (markdown). */
  intro: string;
  /** Check id → why the tools differ (or why Moat covers it as it does). */
  checks: Record<string, string>;
  /** Sections after the table: title → markdown. */
  sections: Record<string, string>;
}

const [runDir, notesPath] = process.argv.slice(2);
if (!runDir || !notesPath) {
  console.error('usage: compare-docker-bench.ts RUN_DIR NOTES.json');
  process.exit(2);
}
const read = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const bench = read<{ tests: Array<{ id?: string; results?: BenchResult[] } & Partial<BenchResult>> }>(join(runDir, 'bench.log.json'));
const moat = read<MoatDoc>(join(runDir, 'moat.json'));
const run = read<Run>(join(runDir, 'run.json'));
const notes = read<Notes>(notesPath);

// A run with -c lists results flat; a full run nests them in sections.
const results: BenchResult[] = bench.tests.flatMap((t) => (t.results ? t.results : t.result ? [t as BenchResult] : []));
const inScope = (id: string): boolean => /^[1-5]\./.test(id) || /^C\./.test(id);
const byId = new Map(results.filter((r) => inScope(r.id)).map((r) => [r.id, r]));

const rulesFor = (id: string): string[] => {
  const peers = allRules.filter((r) => [r.meta.peers?.dockerBench ?? []].flat().includes(id)).map((r) => r.meta.id);
  // docker-bench-security numbers checks in v1.6.0: a rule later versions added has no docker-bench check.
  return peers.length ? peers : allRules.filter((r) => r.meta.cis && cisIdIn(r.meta.cis, 'cis-1.6.0') === id).map((r) => r.meta.id);
};
/** The covering rules' ids in CIS v1.8.0 (Moat's default), for the column beside docker-bench's v1.6.0 number. */
const v18 = (ruleIds: readonly string[]): string => {
  const ids = [...new Set(ruleIds.flatMap((id) => {
    const cis = allRules.find((r) => r.meta.id === id)?.meta.cis;
    const v = cis && cisIdIn(cis, 'cis-1.8.0');
    return v ? [v] : [];
  }))];
  return ids.join(', ') || '—';
};

const caseOf = new Map(run.containers.map((c) => [c.name, c]));
const short = (name: string): string => caseOf.get(name)?.case ?? name;
/** docker-bench's items: `name`, `name:detail`, `id:name` (5.30) for containers, `[repo:tag]` for images. */
const benchSubject = (item: string): string => {
  if (item.startsWith('[')) return item.replace(/^\[|\]$/g, '');
  const idName = /^[0-9a-f]{64}:(.+)$/.exec(item);
  return idName?.[1] ?? item.replace(/:.*$/, '');
};
/** Test containers and images only (5.30 lists every container on docker0, other people's too). */
const ours = (subject: string): boolean => caseOf.has(subject) || /^moat-test\//.test(subject);
/** docker-bench sees running containers only. */
const visible = (subject: string): boolean => caseOf.get(subject)?.running ?? true;

/**
 * docker-bench's community checks each test one capability; Moat's one rule covers them
 * all, so for those checks its findings are narrowed to the capability named in their evidence.
 */
const EVIDENCE_FILTER: Record<string, RegExp> = { 'C.5.3.1': /DAC_READ_SEARCH|\bALL\b/, 'C.5.3.2': /SYS_MODULE|\bALL\b/, 'C.5.3.3': /SYS_ADMIN|\bALL\b/, 'C.5.3.4': /SYS_PTRACE|\bALL\b/ };

interface MoatSide {
  verdict: string;
  /** Subjects docker-bench also sees that Moat reported (failures for WARN, infos for INFO). */
  flagged: Set<string>;
  /** Subjects Moat reported that docker-bench cannot see (created-only containers). */
  hidden: string[];
}

/** Moat's verdict over its rules for one check, in docker-bench's words, over the subjects docker-bench sees. */
function moatSide(id: string, ruleIds: string[]): MoatSide {
  const checks = moat.checks.filter((c) => ruleIds.includes(c.ruleId));
  const perSubject = ruleIds.every((r) => ['container', 'image'].includes(allRules.find((x) => x.meta.id === r)?.meta.target ?? ''));
  const filter = EVIDENCE_FILTER[id];
  const live = moat.findings.filter((f) => !f.suppressed && ruleIds.includes(f.ruleId) && (!filter || filter.test(f.evidence ?? '')));
  const subjects = (info: boolean): string[] => [...new Set(live.filter((f) => (f.severity === 'info') === info).map((f) => f.subject.name ?? f.subject.kind))];
  const statuses = checks.map((c) => c.status);
  const failed = subjects(false);
  const informed = subjects(true);
  if (!perSubject) {
    const verdict = statuses.includes('fail') ? 'WARN' : statuses.includes('info') ? 'INFO' : statuses.includes('error') ? 'ERROR' : statuses.length && statuses.every((x) => x === 'not-applicable') ? 'N/A' : statuses.length ? 'PASS' : '—';
    return { verdict, flagged: new Set(), hidden: [] };
  }
  const seenFailed = failed.filter(visible);
  const seenInformed = informed.filter(visible);
  const verdict = seenFailed.length ? 'WARN' : seenInformed.length ? 'INFO' : statuses.length && statuses.every((x) => x === 'not-applicable') ? 'N/A' : statuses.length ? 'PASS' : '—';
  const flagged = new Set(verdict === 'WARN' ? seenFailed : verdict === 'INFO' ? seenInformed : []);
  return { verdict, flagged, hidden: (verdict === 'INFO' ? informed : failed).filter((x) => !visible(x)) };
}

const order = (id: string): string => id.replace(/^C\./, '9.').split('.').map((n) => n.padStart(3, '0')).join('.');
const ids = [...byId.keys()].sort((a, b) => order(a).localeCompare(order(b)));
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const rows = ['| check | CIS 1.8.0 | Docker Bench | Moat rule(s) | Moat | agree | differs on | why |', '|---|---|---|---|---|---|---|---|'];
const tally = { agree: 0, partly: 0, differ: 0, uncovered: 0 };
for (const id of ids) {
  const b = byId.get(id) as BenchResult;
  const ruleIds = rulesFor(id);
  const m = moatSide(id, ruleIds);
  const bv = b.result === 'NOTE' ? 'INFO' : b.result;
  const benchItems = new Set((b.items ?? []).map(benchSubject).filter(ours));
  // docker-bench names no subjects for checks it only notes: then the verdicts alone are compared.
  const compareSubjects = benchItems.size > 0 || bv === 'WARN';
  const onlyMoat = compareSubjects ? [...m.flagged].filter((x) => !benchItems.has(x)) : [];
  const onlyBench = [...benchItems].filter((x) => !m.flagged.has(x));
  let agree: string;
  if (!ruleIds.length) agree = 'not covered';
  else if (bv === m.verdict || (m.verdict === 'N/A' && (bv === 'INFO' || bv === 'PASS'))) agree = onlyMoat.length || onlyBench.length ? 'partly' : 'yes';
  else agree = 'no';
  const differs = [
    onlyMoat.length ? `Moat only: ${onlyMoat.map(short).join(', ')}` : '',
    onlyBench.length ? `Bench only: ${onlyBench.map(short).join(', ')}` : '',
    m.hidden.length ? `also on created-only containers Bench cannot see: ${m.hidden.map(short).join(', ')}` : '',
  ].filter(Boolean).join('; ');
  tally[agree === 'yes' ? 'agree' : agree === 'partly' ? 'partly' : agree === 'no' ? 'differ' : 'uncovered']++;
  const items = b.items?.length ? ` (${b.items.length})` : '';
  const note = notes.checks[id] ?? (agree === 'yes' ? '' : 'UNEXPLAINED');
  rows.push(`| ${id} | ${v18(ruleIds)} | ${b.result}${items} | ${ruleIds.map((r) => `\`${r}\``).join('<br>') || '—'} | ${m.verdict}${m.flagged.size ? ` (${m.flagged.size})` : ''} | ${agree} | ${esc(differs)} | ${esc(note)} |`);
}

const compared = new Set(ids.flatMap(rulesFor));
// Dockerfile rules judge files docker-bench never reads: only audit rules are compared.
const moatOnly = auditRules.filter((r) => !compared.has(r.meta.id));
const s = (n: number): string => (n / 1000).toFixed(n < 10_000 ? 2 : 1);
const running = run.containers.filter((c) => c.running).length;

const out = [
  '# Moat and docker-bench-security side by side',
  '',
  '<!-- Generated by scripts/compare-docker-bench.ts from a run of scripts/docker-bench-side-by-side.ts and docs/docker-bench-notes.json. Do not edit by hand. -->',
  '',
  notes.intro.trim(),
  '',
  `Run: ${run.date.slice(0, 16).replace('T', ' ')} UTC, Docker Engine ${run.engine}, ${run.containers.length} test containers (${running} running; docker-bench sees only running ones)${run.loadAverage ? `, load average ${run.loadAverage} on 2 shared cores` : ''}.`,
  '',
  '## Timing',
  '',
  '| tool | containers | wall time |',
  '|---|---|---|',
  `| docker-bench-security (\`${run.timing.commands.dockerBench}\`) | ${running} running | ${s(run.timing.dockerBenchMs)} s |`,
  `| Moat (\`${run.timing.commands.moat}\`) | the same ${running} | ${s(run.timing.moatRunningMs)} s |`,
  `| Moat, created-only containers too | ${run.containers.length} | ${s(run.timing.moatAllMs)} s |`,
  '',
  '## Check by check',
  '',
  `${ids.length} docker-bench checks: ${tally.agree} agree, ${tally.partly} agree on the verdict but not on every subject, ${tally.differ} differ, ${tally.uncovered} not covered. Moat's verdict is taken over the containers docker-bench sees (running ones); "Moat (n)" counts the subjects it flagged; "differs on" names test cases (test/support/matrix.ts) and images.`,
  '',
  ...rows,
  '',
  '## Moat rules not compared with a docker-bench check',
  '',
  ...moatOnly.map((r) => `- \`${r.meta.id}\`${r.meta.cis ? ` (CIS ${BENCHMARKS.map((b) => `${b.slice(4)} ${(r.meta.cis && cisIdIn(r.meta.cis, b)) ?? '—'}`).join(', ')})` : ''}: ${r.meta.title}`),
  '',
  ...Object.entries(notes.sections).flatMap(([title, body]) => [`## ${title}`, '', body.trim(), '']),
];
console.log(out.join('\n'));
