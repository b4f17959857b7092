import type { Finding } from '../findings/finding.ts';
import { summarize } from '../findings/summary.ts';
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

/** The one report envelope every command fills: the summary is always computed from the checks and findings given. */
export function buildReport(p: ReportParts): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'moat', version: TOOL_VERSION },
    command: p.command,
    benchmark: benchmarkTitle(p.benchmark ?? DEFAULT_BENCHMARK),
    target: p.target,
    startedAt: p.started.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.max(0, Math.round(p.durationMs)),
    findings: p.findings,
    checks: p.checks,
    summary: summarize(p.checks, p.findings),
    ...(p.configFile ? { config: p.configFile } : {}),
    ...(p.warnings.length ? { warnings: [...p.warnings] } : {}),
    ...(p.errors?.length ? { errors: [...p.errors] } : {}),
    ...(p.notes?.length ? { notes: [...p.notes] } : {}),
  };
}
