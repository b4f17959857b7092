/** The API's read shapes as the dashboard uses them (the server documents them in /api/v1/openapi.json). */
import type { Finding } from '../../models/finding.ts';
import type { CheckResult, ReportTarget } from '../../report/model.ts';
import type { JobView } from '../queue.ts';
import type { TriageEntry } from '../triage.ts';
import type { Counts } from './html.ts';

export interface HostRow {
  name: string;
  firstSeen: string;
  lastSeen: string;
  daemonVersion: string | null;
  agentVersion: string | null;
  containers: number;
  images: number;
  bySeverity: Counts;
  vulnerabilitiesBySeverity: Counts;
}

export interface HostDetail extends HostRow {
  target: ReportTarget | null;
  checks: CheckResult[];
}

export interface ContainerRow {
  host: string;
  id: string;
  name: string | null;
  image: string | null;
  imageDigest: string | null;
  state: string | null;
  lastSeen: string;
  bySeverity: Counts;
}

export interface ImageRow {
  digest: string;
  references: string[];
  firstSeen: string;
  hosts: string[];
  inventory: boolean;
  packages: number;
  vulnerabilitiesBySeverity: Counts;
}

export interface SignatureRow {
  host: string;
  status: 'trusted' | 'untrusted' | 'unsigned' | 'unknown' | 'not-checked';
  reference?: string;
  signer?: string;
  reason?: string;
  policy?: string;
}

export interface ContainerDetail extends ContainerRow {
  /** As the agent sent it (src/features/agent/snapshot.ts ContainerConfig); null from older agents. Read defensively. */
  config: Record<string, unknown> | null;
  findings: FindingRow[];
}

export interface Overview {
  hosts: HostRow[];
  images: number;
  riskiestImages: ImageRow[];
  fixable: number;
  days: HistoryDay[];
}

export interface ImageDetail extends Omit<ImageRow, 'inventory'> {
  signatures: SignatureRow[];
  os: { name?: string; version?: string; id?: string } | null;
  runsOn: Array<{ host: string; container: string; name: string | null }>;
  inventory: { packages: unknown[] } | null;
  vulnerabilities: Finding[];
}


export interface FindingRow {
  id: string;
  host: string;
  image: string | null;
  imageReferences: string[];
  firstSeen: string;
  lastSeen: string;
  triage: TriageEntry | null;
  finding: Finding;
}

export interface AlertRow {
  id: number;
  host: string;
  time: string;
  receivedAt: string;
  source: string;
  kind: string;
  severity: string;
  message: string;
  image: string | null;
  vulnerability: string | null;
}

export interface VulnRow {
  id: string;
  ids: string[];
  severity: string;
  fixedVersion: string | null;
  summary: string | null;
  package: { type: string; name: string; version: string };
  image: string;
  hosts: string[];
}


export interface HistoryDay {
  host: string;
  day: string;
  opened: number;
  closed: number;
}

/** The API's own shapes, as the dashboard reads them. */
export type { TriageEntry };
export type JobRow = JobView;
