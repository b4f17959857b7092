import type { Location } from './location.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe; `info` is 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export type SubjectKind = 'container' | 'image' | 'daemon' | 'host' | 'file' | 'package';

export interface Subject {
  kind: SubjectKind;
  id: string;
  name?: string;
}

export interface References {
  cis?: string[];
  cwe?: string[];
  urls?: string[];
}

/** A recommendation of a CIS benchmark: `{ id: '4.1', benchmark: 'CIS Docker Benchmark v1.8.0' }`, numbered in the version the command was asked for (`--benchmark`). */
export interface CisId {
  id: string;
  benchmark: string;
}

/** The published finding shape (docs/finding.schema.json). */
export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  /** What is wrong with this subject, in one sentence. */
  message: string;
  subject: Subject;
  location?: Location;
  /** The offending value as read (secrets masked). */
  evidence?: string;
  remediation: string;
  references: References;
  /** The rule's CIS Docker Benchmark recommendation, bare (`references.cis` keeps the text form). */
  cis?: CisId;
  /** The same check's ids in other tools (`hadolint: 'DL3008'`, `trivy: 'DS002'`), so their users can find it. */
  peers?: Readonly<Record<string, string | readonly string[]>>;
  /** Set when a moat.yaml ignore matched: the finding is kept for the record but does not count. */
  suppressed?: { reason: string; expires?: string };
  /** Set on findings of rule `package-vulnerable`: what is vulnerable, how it was matched, what fixes it. */
  vulnerability?: VulnerabilityDetails;
}

/** The vulnerability a `package-vulnerable` finding reports (schema 1.2.0). */
export interface VulnerabilityDetails {
  /** The id people know it by: a CVE when one is known, else the advisory's own id. */
  id: string;
  /** Every advisory id and alias that names this vulnerability, `id` first, then sorted. */
  ids: string[];
  /** The OSV ecosystem matched: `Debian:12`, `npm`. */
  ecosystem: string;
  package: { type: string; name: string; version: string; source?: { name: string; version?: string } };
  /** The name and version the advisories were matched on (Debian source package, Alpine origin, PyPI normalised name). */
  matchedAs: { name: string; version: string };
  /** `fixed` when an advisory names a version that fixes it, else `unfixed`. */
  status: 'fixed' | 'unfixed';
  fixedVersion?: string;
  /** Where the severity came from: a CVSS vector, a database's severity word, or neither (`unrated`, shown as medium). */
  severitySource: 'cvss' | 'database' | 'unrated';
  cvss?: { version: string; vector: string; score: number };
  summary?: string;
  /** Path inside the image of the file that proved the package. */
  foundIn: string;
  layer?: string;
}
