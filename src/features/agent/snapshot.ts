import { createHash } from 'node:crypto';
import { audit, type AuditOptions } from '../audit/audit.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import type { EngineClient } from '../../doors/engine/client.ts';
import { renderJson } from '../../report/json.ts';
import type { Rule } from '../../models/rule.ts';
import { sbom } from '../sbom/sbom.ts';
import { EngineReader, READ_CONCURRENCY, type RunningContainer, type RunningImage } from '../../doors/engine/reader.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { SignatureStatus } from '../../models/signature-status.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { TOOL_VERSION } from '../../version.ts';
import type { DropCount } from './spool.ts';

export const REPORT_SCHEMA = 'moat.agent-report/1';
export const ALERTS_SCHEMA = 'moat.agent-alerts/1';

/** An image a container runs, as the server keys it; with `moat sbom --format json`'s document only when the server asked for it. */
export interface ReportImage extends RunningImage {
  inventory?: unknown;
  /** The signature verdict under this host's moat.yaml trust.signatures (see `signatureVerdict`). */
  signature?: SignatureVerdict;
}

export interface ReportContainer extends RunningContainer {
  /** The security-relevant part of its configuration (absent when the container went away meanwhile). */
  config?: ContainerConfig;
}

/**
 * An image's signature as the server shows it: `moat verify`'s verdict put in words a
 * reader cannot mistake for a pass when nothing was checked.
 */
export interface SignatureVerdict {
  status: 'trusted' | 'untrusted' | 'unsigned' | 'unknown' | 'not-checked';
  reference?: string;
  signer?: string;
  reason?: string;
  policy?: string;
}

/** `imageSignatureStatus`'s answer (undefined: no entry with signers covers the image) as a verdict; `policy` says whether moat.yaml has any signer policy. */
export function signatureVerdict(status: SignatureStatus | undefined, policy: boolean): SignatureVerdict {
  if (status === undefined) {
    return { status: 'not-checked', reason: policy ? 'no trust.signatures entry in moat.yaml covers this image' : 'no trust.signatures policy with signers in moat.yaml on this host' };
  }
  const where = { ...(status.reference ? { reference: status.reference } : {}), ...(status.policy ? { policy: status.policy } : {}) };
  if (status.verified) return { status: 'trusted', ...where, ...(status.signer ? { signer: status.signer } : {}) };
  const state = status.unchecked ? 'unknown' : status.code === 'no-signature' ? 'unsigned' : 'untrusted';
  return { status: state, ...where, ...(status.reason ? { reason: status.reason } : {}) };
}

/** Sets each image's verdict from `judge` (the verifier under this host's policy), or not-checked when no policy asks for signatures. */
export async function addSignatureVerdicts(images: ReportImage[], judge: ((image: { repoTags: string[]; repoDigests: string[] }) => Promise<SignatureStatus | undefined>) | undefined): Promise<void> {
  await mapLimit(images, READ_CONCURRENCY, async (img) => {
    // A RunningImage keeps tags and registry digests in one list; a registry digest is the one with '@'.
    const names = { repoTags: img.references.filter((r) => !r.includes('@')), repoDigests: img.references.filter((r) => r.includes('@')) };
    img.signature = signatureVerdict(judge ? await judge(names) : undefined, judge !== undefined);
  });
}

/**
 * What the container page shows of a container's configuration: the settings the rules
 * judge (user, privilege, capabilities, security options, namespaces, mounts, devices,
 * ports, networks, resource limits). Never its environment or labels, which may hold secrets.
 */
export interface ContainerConfig {
  user: string | null;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  security: { seccomp: string | null; apparmor: string | null; noNewPrivileges: boolean; selinuxDisabled: boolean; selinuxLabels: string[] };
  namespaces: Record<string, string>;
  readOnlyRootfs: boolean;
  mounts: Array<{ type: string; source: string; target: string; readOnly: boolean; propagation?: string; reaches?: string[] }>;
  devices: Array<{ hostPath: string; containerPath: string; permissions: string }>;
  ports: Array<{ containerPort: number; protocol: string; hostIp: string; hostPort?: number; hostPortEnd?: number }>;
  publishAllPorts: boolean;
  networks: string[];
  resources: { memory: number | null; memorySwap: number | null; nanoCpus: number | null; cpuQuota: number | null; cpuShares: number | null; cpusetCpus: string | null; pidsLimit: number | null };
  restartPolicy: string;
}

export function containerConfig(c: ContainerSpec): ContainerConfig {
  const n = (v: number | undefined): number | null => (v === undefined || v === 0 ? null : v);
  return {
    user: c.user ?? null,
    privileged: c.privileged,
    capAdd: c.capAdd,
    capDrop: c.capDrop,
    security: { seccomp: c.security.seccomp ?? null, apparmor: c.security.apparmor ?? null, noNewPrivileges: c.security.noNewPrivileges, selinuxDisabled: c.security.selinuxDisabled, selinuxLabels: c.security.selinuxLabels },
    namespaces: Object.fromEntries(Object.entries(c.namespaces).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')),
    readOnlyRootfs: c.readOnlyRootfs,
    mounts: c.mounts.map((m) => ({
      type: m.type,
      source: m.source,
      target: m.target,
      readOnly: m.readOnly,
      ...(m.propagation ? { propagation: m.propagation } : {}),
      ...(m.reaches?.length ? { reaches: m.reaches.map((r) => `${r.path} (${r.owner})`) } : {}),
    })),
    devices: c.devices.map((d) => ({ hostPath: d.hostPath, containerPath: d.containerPath, permissions: d.permissions })),
    ports: c.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp, ...(p.hostPort ? { hostPort: p.hostPort } : {}), ...(p.hostPortEnd ? { hostPortEnd: p.hostPortEnd } : {}) })),
    publishAllPorts: c.publishAllPorts,
    networks: c.networks,
    resources: {
      memory: n(c.resources.memory),
      memorySwap: n(c.resources.memorySwap),
      nanoCpus: n(c.resources.nanoCpus),
      cpuQuota: n(c.resources.cpuQuota),
      cpuShares: n(c.resources.cpuShares),
      cpusetCpus: c.resources.cpusetCpus || null,
      pidsLimit: c.resources.pidsLimit === undefined || c.resources.pidsLimit <= 0 ? null : c.resources.pidsLimit,
    },
    restartPolicy: c.restartPolicy.name || 'no',
  };
}

/** Adds each container's configuration, read from the engine as the audit reads it (one inspect each). */
export async function addContainerConfigs(client: EngineClient, containers: ReportContainer[]): Promise<void> {
  const reader = new EngineReader(client);
  await mapLimit(containers, READ_CONCURRENCY, async (c) => {
    // Removed since the list: it has no configuration left to report.
    const view = await reader.container(c.id, undefined, { bare: true });
    if (view) c.config = containerConfig(view.container);
  });
}

export interface AgentReport {
  schema: typeof REPORT_SCHEMA;
  id: string;
  host: string;
  sentAt: string;
  agentVersion: string;
  /** The document `moat audit --format json` prints. */
  audit: unknown;
  images: ReportImage[];
  containers: ReportContainer[];
  /** Documents the agent's buffer dropped since the last report (kept bounded while the server was away). */
  dropped?: DropCount;
  /** Inventories the server asked for that could not be read (image removed meanwhile, unreadable layer). */
  problems?: string[];
}

/** `moat audit --format json`'s document, from the audit feature itself. */
export async function auditDocument(opts: { client: EngineClient; rules: readonly Rule[]; config: MoatConfig; env: NodeJS.ProcessEnv; hostRoot?: string; imageSignature?: AuditOptions['imageSignature'] }): Promise<unknown> {
  const report = await audit({ client: opts.client, rules: opts.rules, config: opts.config, env: opts.env, ...(opts.hostRoot ? { hostRoot: opts.hostRoot } : {}), ...(opts.imageSignature ? { imageSignature: opts.imageSignature } : {}) });
  return JSON.parse(renderJson(report));
}

/**
 * Adds the inventories the server lacks, built one image at a time (reading an image is
 * the engine's heaviest work). An image that cannot be read is said in `problems` and
 * left without one: the server asks again next round.
 */
export async function addInventories(images: ReportImage[], wanted: ReadonlySet<string>, engine: { client: EngineClient }, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  for (const img of images) {
    if (!wanted.has(img.digest)) continue;
    signal?.throwIfAborted();
    try {
      const result = await sbom({ kind: 'engine', reference: img.digest }, { format: 'json', engine: { endpoint: engine.client.endpoint }, ...(signal ? { signal } : {}) });
      img.inventory = JSON.parse(result.text);
    } catch (e) {
      if (signal?.aborted) throw e;
      problems.push(`inventory of ${img.references[0] ?? img.digest}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/**
 * The report with its id: the SHA-256 of its content (everything but `id` and `sentAt`),
 * so the same document sent twice, as after an outage, is stored once.
 */
export function finishReport(parts: Omit<AgentReport, 'schema' | 'id' | 'sentAt' | 'agentVersion'>, now = new Date()): AgentReport {
  const content = { schema: REPORT_SCHEMA, agentVersion: TOOL_VERSION, ...parts };
  const id = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return { schema: REPORT_SCHEMA, id, host: parts.host, sentAt: now.toISOString(), agentVersion: TOOL_VERSION, audit: parts.audit, images: parts.images, containers: parts.containers, ...(parts.dropped ? { dropped: parts.dropped } : {}), ...(parts.problems?.length ? { problems: parts.problems } : {}) };
}
