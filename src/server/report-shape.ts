/**
 * The agent's documents (docs/serve.md, /api/v1/openapi.json), checked field by field so a
 * 400 names the field that was wrong. Only what the server relies on is checked; the
 * audit document is stored as the agent sent it.
 */
import { isSeverity, type Finding } from '../models/finding.ts';
import { HOST_NAME } from './tokens.ts';

export const REPORT_SCHEMA = 'moat.agent-report/1';
export const ALERTS_SCHEMA = 'moat.agent-alerts/1';

export interface AgentImage {
  digest: string;
  references: string[];
  layers: string[];
  inventory?: { os?: unknown; packages: Array<Record<string, unknown>> };
  /** The signature verdict under this host's moat.yaml trust.signatures (absent from older agents: unknown). */
  signature?: SignatureVerdict;
}

export const SIGNATURE_STATUSES = ['trusted', 'untrusted', 'unsigned', 'unknown', 'not-checked'] as const;

/**
 * What `moat verify` concluded for an image on one host: signed by a signer the policy
 * trusts, signed but by no trusted signer (or the signature failed), unsigned, unknown (the
 * registry could not be asked), or not checked (no trust.signatures entry covers it).
 */
export interface SignatureVerdict {
  status: (typeof SIGNATURE_STATUSES)[number];
  reference?: string;
  signer?: string;
  reason?: string;
  policy?: string;
}

export interface AgentContainer {
  id: string;
  name?: string;
  image?: string;
  imageDigest?: string;
  state?: string;
  /** The security-relevant part of its ContainerSpec (docs/dashboard.md); absent from older agents. */
  config?: Record<string, unknown>;
}

export interface AgentReport {
  schema: typeof REPORT_SCHEMA;
  id: string;
  host: string;
  sentAt: string;
  agentVersion: string;
  audit: { target?: { engineVersion?: string; containers?: number }; findings: Finding[]; summary?: { bySeverity?: Record<string, number> } } & Record<string, unknown>;
  images: AgentImage[];
  containers?: AgentContainer[];
}

export interface AgentAlerts {
  schema: typeof ALERTS_SCHEMA;
  id: string;
  host: string;
  alerts: Array<Record<string, unknown>>;
}

export class ShapeError extends Error {}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/;

function fail(path: string, what: string): never {
  throw new ShapeError(`${path}: ${what}`);
}
function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}
function str(v: unknown, path: string, re?: RegExp, hint?: string): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  if (re && !re.test(v)) fail(path, `"${v.slice(0, 80)}" ${hint ?? 'is not valid'}`);
  return v;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

export function checkReport(body: unknown): AgentReport {
  const r = obj(body, 'report');
  if (r.schema !== REPORT_SCHEMA) fail('report.schema', `must be "${REPORT_SCHEMA}"`);
  str(r.id, 'report.id', ID, 'is not a report id (a sha256 hex or a uuid)');
  str(r.host, 'report.host', HOST_NAME, 'is not a host name');
  const sentAt = str(r.sentAt, 'report.sentAt');
  if (Number.isNaN(Date.parse(sentAt))) fail('report.sentAt', `"${sentAt.slice(0, 40)}" is not an ISO time`);
  str(r.agentVersion, 'report.agentVersion');
  const audit = obj(r.audit, 'report.audit');
  const findings = arr(audit.findings, 'report.audit.findings');
  findings.forEach((f, i) => {
    const p = `report.audit.findings[${i}]`;
    const o = obj(f, p);
    str(o.ruleId, `${p}.ruleId`);
    if (typeof o.severity !== 'string' || !isSeverity(o.severity)) fail(`${p}.severity`, 'must be critical, high, medium, low or info');
    const s = obj(o.subject, `${p}.subject`);
    str(s.kind, `${p}.subject.kind`);
    str(s.id, `${p}.subject.id`);
    if (s.name !== undefined) str(s.name, `${p}.subject.name`);
  });
  if (audit.target !== undefined) obj(audit.target, 'report.audit.target');
  const images = r.images === undefined ? [] : arr(r.images, 'report.images');
  images.forEach((im, i) => {
    const p = `report.images[${i}]`;
    const o = obj(im, p);
    str(o.digest, `${p}.digest`, DIGEST, 'is not a sha256:<64 hex> digest');
    arr(o.references ?? [], `${p}.references`).forEach((x, j) => str(x, `${p}.references[${j}]`));
    arr(o.layers ?? [], `${p}.layers`).forEach((x, j) => str(x, `${p}.layers[${j}]`, DIGEST, 'is not a sha256:<64 hex> digest'));
    o.references ??= [];
    o.layers ??= [];
    if (o.inventory !== undefined) {
      const inv = obj(o.inventory, `${p}.inventory`);
      arr(inv.packages, `${p}.inventory.packages`).forEach((pk, j) => {
        const q = `${p}.inventory.packages[${j}]`;
        const po = obj(pk, q);
        str(po.type, `${q}.type`);
        str(po.name, `${q}.name`);
        str(po.version, `${q}.version`);
        str(po.purl, `${q}.purl`);
        str(po.foundIn, `${q}.foundIn`);
      });
      if (inv.os !== undefined) obj(inv.os, `${p}.inventory.os`);
    }
    if (o.signature !== undefined) {
      const sig = obj(o.signature, `${p}.signature`);
      if (typeof sig.status !== 'string' || !(SIGNATURE_STATUSES as readonly string[]).includes(sig.status)) fail(`${p}.signature.status`, `must be one of ${SIGNATURE_STATUSES.join(', ')}`);
      for (const k of ['reference', 'signer', 'reason', 'policy'] as const) if (sig[k] !== undefined) str(sig[k], `${p}.signature.${k}`);
    }
  });
  r.images = images;
  if (r.containers !== undefined) {
    arr(r.containers, 'report.containers').forEach((c, i) => {
      const p = `report.containers[${i}]`;
      const o = obj(c, p);
      str(o.id, `${p}.id`);
      for (const k of ['name', 'image', 'state'] as const) if (o[k] !== undefined) str(o[k], `${p}.${k}`);
      if (o.imageDigest !== undefined) str(o.imageDigest, `${p}.imageDigest`, DIGEST, 'is not a sha256:<64 hex> digest');
      if (o.config !== undefined) obj(o.config, `${p}.config`);
    });
  }
  return r as unknown as AgentReport;
}

export function checkAlerts(body: unknown): AgentAlerts {
  const r = obj(body, 'alerts');
  if (r.schema !== ALERTS_SCHEMA) fail('alerts.schema', `must be "${ALERTS_SCHEMA}"`);
  str(r.id, 'alerts.id', ID, 'is not a batch id');
  str(r.host, 'alerts.host', HOST_NAME, 'is not a host name');
  arr(r.alerts, 'alerts.alerts').forEach((a, i) => obj(a, `alerts.alerts[${i}]`));
  return r as unknown as AgentAlerts;
}

export function checkMissing(body: unknown): string[] {
  const r = obj(body, 'request');
  return arr(r.images, 'request.images').map((im, i) => str(obj(im, `request.images[${i}]`).digest, `request.images[${i}].digest`, DIGEST, 'is not a sha256:<64 hex> digest'));
}
