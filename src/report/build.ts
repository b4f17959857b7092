import type { Finding } from '../models/finding.ts';
import { summarize } from './summary.ts';
import { maskText } from '../util/secrets/mask.ts';
import { benchmarkTitle, DEFAULT_BENCHMARK, type Benchmark } from '../models/cis-benchmark.ts';
import { TOOL_VERSION } from '../version.ts';
import { SCHEMA_VERSION, type CheckResult, type Report, type ReportTarget, type ReportError, type ReportNote, type ReportWarning } from './model.ts';

export interface ReportParts {
  command: Report['command'];
  /** From moat.yaml / `--benchmark`; the newest version when absent. */
  benchmark?: Benchmark;
  target: ReportTarget;
  started: Date;
  /** Measured by the caller (a monotonic clock); the report's end time is now. */
  durationMs: number;
  findings: Finding[];
  checks: CheckResult[];
  /** The moat.yaml that applied, if any. */
  configFile?: string;
  warnings: readonly ReportWarning[];
  /** What could not be read: the report covers the rest and says it is incomplete. */
  errors?: readonly ReportError[];
  /** What was deliberately left out, and why. */
  notes?: readonly ReportNote[];
}

/**
 * The one report envelope every command fills: the summary is always computed from the checks
 * and findings given. Every format (table, json, sarif, html) is rendered from it, so this is
 * where text quoted from what was examined (a RUN line, an exec command, an ENV pair, a
 * target's URL) is masked, whatever rule or door wrote it.
 */
export function buildReport(p: ReportParts): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'moat', version: TOOL_VERSION },
    command: p.command,
    benchmark: benchmarkTitle(p.benchmark ?? DEFAULT_BENCHMARK),
    target: { ...p.target, description: maskText(p.target.description), ...(p.target.endpoint !== undefined ? { endpoint: maskText(p.target.endpoint) } : {}) },
    startedAt: p.started.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.max(0, Math.round(p.durationMs)),
    findings: p.findings.map(maskFinding),
    checks: p.checks.map((c) => (c.reason === undefined ? c : { ...c, reason: maskText(c.reason) })),
    summary: summarize(p.checks, p.findings),
    ...(p.configFile ? { config: p.configFile } : {}),
    ...(p.warnings.length ? { warnings: p.warnings.map((w) => ({ ...w, message: maskText(w.message) })) } : {}),
    ...(p.errors?.length ? { errors: p.errors.map((e) => ({ ...e, message: maskText(e.message) })) } : {}),
    ...(p.notes?.length ? { notes: [...p.notes] } : {}),
  };
}

/** A vulnerability finding's text is built from advisory and package data, not quoted input: left as it is (there can be thousands). */
function maskFinding(f: Finding): Finding {
  if (f.vulnerability) return f;
  const message = maskText(f.message);
  const evidence = f.evidence === undefined ? undefined : maskText(f.evidence);
  const name = f.subject.name === undefined ? undefined : maskText(f.subject.name);
  if (message === f.message && evidence === f.evidence && name === f.subject.name) return f;
  return { ...f, message, ...(evidence !== undefined ? { evidence } : {}), ...(name !== undefined && name !== f.subject.name ? { subject: { ...f.subject, name } } : {}) };
}
