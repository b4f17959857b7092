import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../models/finding.ts';
import type { Location } from '../models/location.ts';
import type { CheckResult, Report } from './model.ts';
import { cisIdFromReference, shortId } from './common.ts';

export interface SarifOptions {
  /**
   * Directory that file locations are made relative to (the repository root in CI), so
   * code scanning can match them to its checkout. Without it, files keep the path they were
   * given (relative stays relative, absolute becomes a `file://` URI).
   */
  cwd?: string;
}

export type SarifLevel = 'error' | 'warning' | 'note';

/** GitHub code scanning ranks alerts by this 0–10 score (CVSS bands: 9+ critical, 7+ high, 4+ medium, 0.1+ low). */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' || s === 'low' ? 'warning' : 'note';
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Base id for files under `cwd`; resolved through `run.originalUriBaseIds`. */
export const SRCROOT = '%SRCROOT%';
/** Key of Moat's fingerprint in `partialFingerprints`; the suffix changes if the recipe does. */
export const FINGERPRINT_KEY = 'moatFinding/v1';

interface Message {
  text: string;
  markdown?: string;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity': string; severity: Severity; cis?: string; peers?: Finding['peers'] };
}

interface SarifLocation {
  physicalLocation?: { artifactLocation: ArtifactLocation; region?: { startLine: number; startColumn?: number } };
  logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: Message;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string; properties?: { expires: string } }[];
  properties: { severity: Severity; subject: Finding['subject']; evidence?: string; inspectPath?: string; cis?: string; peers?: Finding['peers'] };
}

interface Notification {
  level: 'error' | 'warning' | 'note';
  message: Message;
  locations?: { physicalLocation: NonNullable<SarifLocation['physicalLocation']> }[];
  associatedRule?: { id: string; index: number };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: { driver: { name: 'moat'; version: string; semanticVersion: string; informationUri?: string; rules: SarifRule[] } };
      invocations: {
        executionSuccessful: boolean;
        startTimeUtc: string;
        endTimeUtc: string;
        toolExecutionNotifications?: Notification[];
      }[];
      originalUriBaseIds?: Record<string, { uri: string }>;
      results: SarifResult[];
      properties: { command: Report['command']; target: string };
    },
  ];
}

/** The report as a SARIF 2.1.0 log: one run, every check as a rule, every finding as a result. */
export function renderSarif(report: Report, opts: SarifOptions = {}): string {
  return JSON.stringify(toSarif(report, opts), null, 2) + '\n';
}

export function toSarif(report: Report, opts: SarifOptions = {}): SarifLog {
  const { rules, index } = buildRules(report);
  let usesSrcRoot = false;
  const occurrences = new Map<string, number>();
  const results = report.findings.map((f): SarifResult => {
    const artifact = f.location?.file ? artifactLocation(f.location.file, opts.cwd) : undefined;
    if (artifact?.uriBaseId) usesSrcRoot = true;
    const loc = f.location;
    const location: SarifLocation = {
      ...(artifact
        ? {
            physicalLocation: {
              artifactLocation: artifact,
              ...(loc?.line ? { region: { startLine: loc.line, ...(loc.column ? { startColumn: loc.column } : {}) } } : {}),
            },
          }
        : {}),
      logicalLocations: [logicalLocation(f)],
    };
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) ?? 0,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, artifact, occurrences) },
      ...(f.suppressed
        ? {
            suppressions: [
              {
                kind: 'external' as const,
                status: 'accepted' as const,
                justification: f.suppressed.reason,
                ...(f.suppressed.expires ? { properties: { expires: f.suppressed.expires } } : {}),
              },
            ],
          }
        : {}),
      properties: {
        severity: f.severity,
        subject: f.subject,
        ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
        ...(f.location?.path ? { inspectPath: f.location.path } : {}),
        ...(f.cis ? { cis: f.cis.id } : {}),
        ...(f.peers ? { peers: f.peers } : {}),
      },
    };
  });

  const errored = report.checks.filter((c) => c.status === 'error');
  // What could not be read is an error notification, located like a result; notes are notes.
  const located = (level: Notification['level'], m: { message: string; location?: Location }): Notification => {
    const artifact = m.location?.file ? artifactLocation(m.location.file, opts.cwd) : undefined;
    if (artifact?.uriBaseId) usesSrcRoot = true;
    const line = m.location?.line;
    const column = m.location?.column;
    return {
      level,
      message: { text: m.message },
      ...(artifact ? { locations: [{ physicalLocation: { artifactLocation: artifact, ...(line ? { region: { startLine: line, ...(column ? { startColumn: column } : {}) } } : {}) } }] } : {}),
    };
  };
  const notifications: Notification[] = [
    ...(report.errors ?? []).map((e) => located('error', e)),
    ...errored.map((c) => ({
      level: 'error' as const,
      message: { text: c.reason ?? `check ${c.ruleId} could not run` },
      associatedRule: { id: c.ruleId, index: index.get(c.ruleId) ?? 0 },
    })),
    ...(report.warnings ?? []).map((w) => ({ level: 'warning' as const, message: { text: w.message } })),
    ...(report.notes ?? []).map((n) => located('note', n)),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'moat',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            ...(report.tool.informationUri ? { informationUri: report.tool.informationUri } : {}),
            rules,
          },
        },
        invocations: [
          {
            // A check that could not run, or an input that could not be read, leaves the result
            // incomplete: say so rather than imply a clean pass.
            executionSuccessful: errored.length === 0 && !report.errors?.length,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(usesSrcRoot && opts.cwd ? { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.cwd) } } } : {}),
        results,
        properties: { command: report.command, target: report.target.description },
      },
    ],
  };
}

function buildRules(report: Report): { rules: SarifRule[]; index: Map<string, number> } {
  const firstFinding = new Map<string, Finding>();
  for (const f of report.findings) if (!firstFinding.has(f.ruleId)) firstFinding.set(f.ruleId, f);

  const checks: CheckResult[] = [...report.checks];
  const known = new Set(checks.map((c) => c.ruleId));
  // A finding whose rule has no check entry still needs a rule for its ruleIndex to point at.
  for (const [id, f] of [...firstFinding].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (known.has(id)) continue;
    known.add(id);
    checks.push({ ruleId: id, title: f.title, severity: f.severity, status: 'fail', subjects: 0, findings: 0 });
  }

  const rules = checks.map((c): SarifRule => {
    const f = firstFinding.get(c.ruleId);
    const remediation = c.remediation ?? f?.remediation;
    const urls = f?.references.urls ?? [];
    const cwe = f?.references.cwe ?? [];
    const cisRef = f?.references.cis?.[0];
    const cis = c.cis ?? f?.cis?.id ?? (cisRef ? cisIdFromReference(cisRef) : undefined);
    const peers = c.peers ?? f?.peers;
    const help = remediation ?? c.title;
    return {
      id: c.ruleId,
      name: friendlyName(c.ruleId),
      shortDescription: { text: c.title },
      fullDescription: { text: c.rationale ?? c.title },
      help: { text: help, markdown: helpMarkdown(help, c.rationale, cis && `${f?.cis?.benchmark ?? report.benchmark ?? 'CIS Docker Benchmark'} ${cis}`, cwe, urls) },
      ...(urls[0] ? { helpUri: urls[0] } : {}),
      defaultConfiguration: { level: sarifLevel(c.severity) },
      properties: {
        tags: ['security', ...(cis ? [`CIS-${cis}`] : []), ...cwe.map((w) => `external/cwe/${w.toLowerCase()}`), ...peerTags(peers)],
        'security-severity': SECURITY_SEVERITY[c.severity],
        severity: c.severity,
        ...(cis ? { cis } : {}),
        ...(peers ? { peers } : {}),
      },
    };
  });
  return { rules, index: new Map(rules.map((r, i) => [r.id, i])) };
}

/** `hadolint/DL3008`, `trivy/DS002`: a peer tool's id as a tag, so a viewer's search finds it. */
function peerTags(peers: Finding['peers']): string[] {
  return Object.entries(peers ?? {}).flatMap(([tool, ids]) => (typeof ids === 'string' ? [ids] : ids).map((id) => `${tool}/${id}`));
}

/** SARIF's "friendly name" is one Pascal-case word: `container-privileged` → `ContainerPrivileged`. */
export function friendlyName(ruleId: string): string {
  return ruleId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

/** `cis`: the recommendation with its benchmark version, `CIS Docker Benchmark v1.8.0 2.8`. */
function helpMarkdown(remediation: string, rationale: string | undefined, cis: string | undefined, cwe: readonly string[], urls: readonly string[]): string {
  const parts = [`**Remediation:** ${remediation}`];
  if (rationale) parts.push(rationale);
  const refs = [
    ...(cis ? [cis] : []),
    ...cwe.map((w) => {
      const n = /^CWE-(\d+)$/.exec(w)?.[1];
      return n ? `[${w}](https://cwe.mitre.org/data/definitions/${n}.html)` : w;
    }),
    ...urls.map((u) => `<${u}>`),
  ];
  if (refs.length) parts.push(`References: ${refs.join(', ')}`);
  return parts.join('\n\n');
}

/**
 * A file under `cwd` becomes a relative URI against %SRCROOT%, as code scanning expects;
 * anything else an absolute `file://` URI (or the relative path as given, with no `cwd`).
 */
export function artifactLocation(file: string, cwd: string | undefined): ArtifactLocation {
  if (cwd) {
    const abs = resolve(cwd, file);
    const rel = relative(cwd, abs);
    if (rel && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return { uri: encodePath(rel.split(sep)), uriBaseId: SRCROOT };
    return { uri: pathToFileURL(abs).href };
  }
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodePath(file.split(/[\\/]/)) };
}

function encodePath(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function logicalLocation(f: Finding): { name: string; fullyQualifiedName: string; kind: string } {
  const name = `${f.subject.kind}/${f.subject.name ?? shortId(f.subject.id)}`;
  return { name, fullyQualifiedName: f.location?.path ? `${name}/${f.location.path}` : name, kind: 'resource' };
}

/**
 * Identifies "the same problem in the same place" across runs, so code scanning can tell a
 * fixed alert from a new one. Uses the subject's name (a recreated container keeps its name,
 * not its id) and the emitted URI (independent of where the repository is checked out);
 * not the message, which may quote values that change.
 */
function fingerprint(f: Finding, artifact: ArtifactLocation | undefined, occurrences: Map<string, number>): string {
  const parts = [f.ruleId, f.subject.kind, f.subject.name ?? f.subject.id, artifact?.uri ?? '', f.location?.line ?? '', f.location?.column ?? '', f.location?.path ?? ''];
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  // Two findings of one rule at one place (no finer location known) must stay two alerts.
  const n = (occurrences.get(hash) ?? 0) + 1;
  occurrences.set(hash, n);
  return n === 1 ? hash : `${hash}:${n}`;
}
