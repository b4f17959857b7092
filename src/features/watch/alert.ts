import type { Finding, Severity } from '../../models/finding.ts';
import { maskText } from '../../util/secrets/mask.ts';

/** Bumped on any change to the alert's JSON shape (docs/alert.schema.json). */
export const ALERT_SCHEMA_VERSION = '1.0.0';

export const ALERT_KINDS = ['finding', 'exec', 'drift', 'oom', 'restart-loop', 'resource', 'events-missed', 'alerts-dropped'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertContainer {
  id: string;
  name: string;
  image?: string;
}

export interface ExecDetails {
  execId: string;
  /** As the engine reported it, with secret-looking values masked. */
  command: string[];
  /** `''` is the container's default user; `undefined` when the exec was gone before Moat could read it. */
  user?: string;
  privileged?: boolean;
}

export interface DriftDetails {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  /** Why it matters: an executable anywhere, or any change under a system directory. */
  reason: 'executable' | 'system-path';
  /** Octal permission bits (`0755`), when the file could be read. */
  mode?: string;
  setuid?: boolean;
  size?: number;
  linkTarget?: string;
}

export interface RestartLoopDetails {
  restarts: number;
  windowSeconds: number;
  lastExitCode?: number;
}

export interface ResourceDetails {
  resource: 'memory' | 'pids';
  usage: number;
  limit: number;
  percent: number;
}

export interface EventsMissedDetails {
  /** The last event Moat saw before the gap (ISO time), when there was one. */
  lastSeen?: string;
  reason: string;
}

export interface AlertsDroppedDetails {
  dropped: number;
  /** Where they were dropped: the watcher's own buffer or a sink's queue. */
  where: string;
}

export type AlertDetails = ExecDetails | DriftDetails | RestartLoopDetails | ResourceDetails | EventsMissedDetails | AlertsDroppedDetails | Record<string, never>;

/**
 * One thing `moat watch` wants a person to look at. A configuration problem carries the
 * same Finding `moat audit` reports (same rule ids); everything else carries `details`.
 */
export interface Alert {
  schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** When Moat raised it. */
  time: string;
  /** When the engine event behind it happened, when one did. */
  eventTime?: string;
  kind: AlertKind;
  severity: Severity;
  /** One sentence for a person. */
  message: string;
  container?: AlertContainer;
  finding?: Finding;
  details?: AlertDetails;
}

/**
 * Every alert is made here, so this is where what it quotes (a finding's evidence, a command
 * in the message) is masked, before any sink (stdout, file, webhook, syslog) sees it.
 */
export function makeAlert(a: Omit<Alert, 'schemaVersion' | 'time'> & { time?: Date }): Alert {
  const { time, ...rest } = a;
  const finding = rest.finding ? { ...rest.finding, message: maskText(rest.finding.message), ...(rest.finding.evidence !== undefined ? { evidence: maskText(rest.finding.evidence) } : {}) } : undefined;
  return { schemaVersion: ALERT_SCHEMA_VERSION, time: (time ?? new Date()).toISOString(), ...rest, message: maskText(rest.message), ...(finding ? { finding } : {}) };
}
