import type { Finding, Severity } from '../models/finding.ts';
import type { CheckStatus } from '../models/verdict.ts';
import type { Location } from '../models/location.ts';

/** Bumped on any change to the JSON document's shape (docs/finding.schema.json). */
export const SCHEMA_VERSION = '1.3.0';

/** The one document every command produces; every output format renders it. */
export interface Report {
  schemaVersion: string;
  /** `informationUri`: the project's home page, when known (SARIF's `tool.driver.informationUri`). */
  tool: { name: 'moat'; version: string; informationUri?: string };
  command: 'audit' | 'lint' | 'scan' | 'sbom';
  /** The CIS benchmark version check and finding ids are numbered in: `CIS Docker Benchmark v1.8.0`. */
  benchmark?: string;
  target: ReportTarget;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Every finding, suppressed ones included (marked `suppressed`). */
  findings: Finding[];
  /** One entry per rule that ran: its verdict over all subjects. */
  checks: CheckResult[];
  summary: Summary;
  /** The moat.yaml that applied (absolute path), when one did. */
  config?: string;
  /**
   * What the reader must know about how the result was reached: an expired or unused
   * ignore in moat.yaml, a setting that could not be honoured. Never findings themselves.
   */
  warnings?: ReportWarning[];
  /**
   * What could not be read (a file that does not parse, a directory too deep to walk): the
   * result covers everything else, but is incomplete, and the exit code says so (3).
   */
  errors?: ReportError[];
  /** What was deliberately left out, and why (a template file skipped): neither a finding nor a problem. */
  notes?: ReportNote[];
}

/** A message, located when it can be: the shape of warnings, errors and notes alike. */
export interface ReportWarning {
  message: string;
  location?: Location;
}

export type ReportError = ReportWarning;
export type ReportNote = ReportWarning;

export interface ReportTarget {
  /** What was examined, for people: `unix:///var/run/docker.sock (Docker 20.10.24, host debian)`. */
  description: string;
  endpoint?: string;
  engineVersion?: string;
  hostname?: string;
  /** Containers examined, by id → name. */
  containers?: number;
}

export interface CheckResult {
  ruleId: string;
  title: string;
  severity: Severity;
  cis?: string;
  /** The same check's ids in other tools (as on its findings). */
  peers?: Finding['peers'];
  status: CheckStatus;
  /** Subjects the rule looked at (containers, or 1 for daemon/host rules). */
  subjects: number;
  /** Findings it produced that are not suppressed. */
  findings: number;
  /** Why it did not apply or could not run. */
  reason?: string;
  /** The rule's rationale and remediation, so a report alone can explain every check it lists (SARIF rule help, HTML). */
  rationale?: string;
  remediation?: string;
}

export interface Summary {
  /** Unsuppressed findings by severity. */
  bySeverity: Record<Severity, number>;
  suppressed: number;
  checks: { total: number; pass: number; fail: number; info: number; notApplicable: number; error: number };
  /** Like the benchmark's score: passed checks minus failed checks. */
  score: number;
}
