import type { Location } from '../models/location.ts';

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
  /** Set when a moat.yaml ignore matched: the finding is kept for the record but does not count. */
  suppressed?: { reason: string; expires?: string };
}
