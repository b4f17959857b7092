import { severityRank, type Finding, type Subject, type SubjectKind } from '../models/finding.ts';
import type { CheckResult, Report } from './model.ts';

/** The benchmark's section order: the host, its daemon, then what runs on it. */
const KIND_ORDER: readonly SubjectKind[] = ['host', 'daemon', 'image', 'container', 'file', 'package'];

export interface SubjectGroup {
  subject: Subject;
  /** Live findings most severe first, then by rule id; suppressed ones last. */
  findings: Finding[];
}

export function subjectKey(s: Subject): string {
  return `${s.kind}\u0000${s.id}`;
}

/** Groups findings by subject in report order (host, daemon, images, containers, …; by name within a kind). */
export function groupBySubject(findings: readonly Finding[]): SubjectGroup[] {
  const groups = new Map<string, SubjectGroup>();
  for (const f of findings) {
    const key = subjectKey(f.subject);
    const g = groups.get(key);
    if (g) g.findings.push(f);
    else groups.set(key, { subject: f.subject, findings: [f] });
  }
  const list = [...groups.values()];
  for (const g of list) g.findings.sort(compareFindings);
  return list.sort((a, b) => compareSubjects(a.subject, b.subject));
}

function compareSubjects(a: Subject, b: Subject): number {
  const k = kindRank(a.kind) - kindRank(b.kind);
  if (k !== 0) return k;
  return compareText(a.name ?? a.id, b.name ?? b.id) || compareText(a.id, b.id);
}

function kindRank(k: SubjectKind): number {
  const i = KIND_ORDER.indexOf(k);
  return i < 0 ? KIND_ORDER.length : i;
}

export function compareFindings(a: Finding, b: Finding): number {
  return Number(!!a.suppressed) - Number(!!b.suppressed) || severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId) || compareText(a.message, b.message);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Engine ids are 64 hex digits, sometimes prefixed `sha256:`; people recognise the first 12, as `docker ps` shows them. */
export function shortId(id: string): string {
  const bare = id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
  return /^[0-9a-f]{64}$/.test(bare) ? bare.slice(0, 12) : bare;
}

/** `container web (3f2a1b9c0d1e)`; the daemon and host are known by name alone when they have one. */
export function subjectLabel(s: Subject): string {
  const id = shortId(s.id);
  if (!s.name) return `${s.kind} ${id}`;
  if (s.kind === 'host' || s.kind === 'daemon' || s.name === id) return `${s.kind} ${s.name}`;
  return `${s.kind} ${s.name} (${id})`;
}

/**
 * The CIS recommendation number of a finding: from its check when the report has one,
 * else from the reference text (`CIS Docker Benchmark v1.8.0 5.5`).
 */
export function cisIdOf(f: Finding, checks: ReadonlyMap<string, CheckResult>): string | undefined {
  const fromCheck = checks.get(f.ruleId)?.cis;
  if (fromCheck) return fromCheck;
  const ref = f.references.cis?.[0];
  return ref ? cisIdFromReference(ref) : undefined;
}

/** `5.5` from `CIS Docker Benchmark v1.6.0 5.5`; a reference without a trailing number is kept whole. */
export function cisIdFromReference(ref: string): string {
  return /(\d+(?:\.\d+)*)\s*$/.exec(ref)?.[1] ?? ref;
}

export function checksById(report: Report): Map<string, CheckResult> {
  return new Map(report.checks.map((c) => [c.ruleId, c]));
}

/** `850 ms`, `12.3 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `2025-03-01 14:05:09 UTC` from an ISO timestamp; anything else is shown as given. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/**
 * Container names, labels, paths and messages come from the inspected system: a control
 * character in them must not move the cursor or recolour the user's terminal. Each is shown
 * as a visible escape instead.
 */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
