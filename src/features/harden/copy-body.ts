/**
 * The create requests for Moat's copies of a workload: the original's configuration, made
 * safe to run beside it (no restart, ports on loopback only, no aliases or labels that
 * route traffic to it, logs kept locally) and given the seccomp profile of the run.
 */
import type { ContainerSpec } from '../../models/container-spec.ts';
import { MoatError } from '../../util/errors.ts';
import type { CreateBody, HardenTarget, HostConfigBody } from './target.ts';

export const COPY_LABEL = 'dev.moat.harden';
export const COPY_OF_LABEL = 'dev.moat.harden.of';
/** `pid:start` of the Moat process that made the copy, so a later run can remove copies a killed run left behind. */
export const COPY_OWNER_LABEL = 'dev.moat.harden.owner';

export type NetworkChoice = 'same' | 'none';

const RUNC = new Set(['', 'runc', 'io.containerd.runc.v2', 'io.containerd.runc.v1', 'io.containerd.runtime.v1.linux']);

/** Settings under which a recording is impossible or would have effects beyond the copy: refused with what to do. */
export function refuseUnrecordable(t: HardenTarget, network: NetworkChoice): void {
  const s = t.spec;
  if (s.privileged) {
    throw new MoatError(
      'incomplete',
      `${t.label} runs --privileged, and Docker applies no seccomp profile to privileged containers, so there is nothing to record: run it without --privileged (adding only the capabilities and devices it needs), then harden that`,
    );
  }
  const runtime = t.create.HostConfig.Runtime ?? '';
  if (!RUNC.has(runtime)) {
    throw new MoatError('incomplete', `${t.label} runs under the "${runtime}" runtime; moat harden records through runc's seccomp support: harden a copy that runs under runc`);
  }
  const net = s.namespaces.network ?? '';
  if (network === 'same' && (net === 'host' || net.startsWith('container:'))) {
    throw new MoatError(
      'usage',
      `${t.label} uses network mode "${net}": a copy would listen on the same addresses and ports as the original (${net === 'host' ? "the host's interfaces" : 'another container\'s'}); run moat harden with --network none to record it without a network`,
    );
  }
}

/** What running a copy could affect outside itself; the caller asks before going ahead when any apply. */
export function copyRisks(spec: ContainerSpec, network: NetworkChoice): string[] {
  const risks: string[] = [];
  if (network === 'same') {
    const nets = spec.networks.length ? spec.networks : [spec.namespaces.network ?? 'bridge'];
    for (const n of nets.filter((x) => x !== 'none')) risks.push(`it joins network "${n}", so it can reach the same databases and services as the original (use --network none to record without a network)`);
  }
  for (const m of spec.mounts.filter((x) => !x.readOnly && x.type !== 'tmpfs')) {
    risks.push(`it mounts ${m.type} ${m.source || '(anonymous)'} at ${m.target} read-write, so it can change the original's data`);
  }
  for (const d of spec.devices) risks.push(`it gets host device ${d.hostPath} (${d.permissions})`);
  if (spec.namespaces.pid === 'host') risks.push("it shares the host's process namespace and can signal host processes");
  if (spec.namespaces.ipc === 'host') risks.push("it shares the host's IPC namespace");
  if (risks.length > 0 && spec.env.length > 0) risks.push(`it has the original's environment (${spec.env.length} variables, credentials included) and will use them`);
  return risks;
}

export interface CopyOptions {
  /** Inline JSON of the seccomp profile the copy runs under. */
  seccomp: string;
  network: NetworkChoice;
  owner: string;
  originalId: string;
}

/**
 * The create request for one copy. Never changes what the workload does inside (image,
 * command, environment, user, mounts, limits), only how it meets the world.
 */
export function copyBody(t: HardenTarget, o: CopyOptions): CreateBody {
  const hc: HostConfigBody = { ...t.create.HostConfig };
  // A copy that restarts or outlives Moat would keep running unobserved.
  hc.RestartPolicy = { Name: 'no' };
  hc.AutoRemove = false;
  // Logs stay on this host (the original may ship its logs to a shared system), bounded.
  hc.LogConfig = { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } };
  hc.SecurityOpt = [...withoutSeccomp(hc.SecurityOpt), `seccomp=${o.seccomp}`];
  if (o.network === 'none') {
    hc.NetworkMode = 'none';
    hc.PortBindings = {};
    hc.PublishAllPorts = false;
    hc.Links = [];
    // Static addresses and extra hosts belong to a network the copy does not join.
    delete hc.Dns;
    delete hc.ExtraHosts;
  } else {
    hc.PortBindings = loopbackBindings(hc, t.create.ExposedPorts);
    hc.PublishAllPorts = false;
  }
  const body: CreateBody = { ...t.create, HostConfig: hc, Labels: { [COPY_LABEL]: '1', [COPY_OF_LABEL]: o.originalId, [COPY_OWNER_LABEL]: o.owner } };
  // No aliases and no static IP: the copy must not receive traffic meant for the original.
  delete body.NetworkingConfig;
  return body;
}

/** Every published port of the original (and every exposed one under -P) on 127.0.0.1, on a port the engine picks. */
function loopbackBindings(hc: HostConfigBody, exposed: Record<string, unknown> | undefined): NonNullable<HostConfigBody['PortBindings']> {
  const out: NonNullable<HostConfigBody['PortBindings']> = {};
  for (const [port, bindings] of Object.entries(hc.PortBindings ?? {})) if (bindings && bindings.length) out[port] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  if (hc.PublishAllPorts) for (const port of Object.keys(exposed ?? {})) out[port] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  return out;
}

function withoutSeccomp(opts: readonly string[] | null | undefined): string[] {
  return (opts ?? []).filter((o) => !/^seccomp[=:]/.test(o));
}

/** The settings a proposal changes; `undefined` leaves the original's. */
export interface Settings {
  capDrop?: string[];
  capAdd?: string[];
  noNewPrivileges?: boolean;
  readOnly?: boolean;
  /** `path` or `path:options` (docker run --tmpfs syntax). */
  tmpfs?: string[];
  user?: string;
  memory?: number;
  pids?: number;
}

/** A copy body with proposed settings applied on top (for a verification run). */
export function withSettings(body: CreateBody, s: Settings): CreateBody {
  const hc: HostConfigBody = { ...body.HostConfig };
  const out: CreateBody = { ...body, HostConfig: hc };
  if (s.capDrop) hc.CapDrop = s.capDrop;
  if (s.capAdd) hc.CapAdd = s.capAdd;
  if (s.noNewPrivileges) hc.SecurityOpt = [...(hc.SecurityOpt ?? []).filter((o) => !/^no-new-privileges/.test(o)), 'no-new-privileges:true'];
  if (s.readOnly) {
    hc.ReadonlyRootfs = true;
    hc.Tmpfs = { ...(hc.Tmpfs ?? {}), ...Object.fromEntries((s.tmpfs ?? []).map((d) => [d.split(':')[0] as string, d.split(':').slice(1).join(':')])) };
  }
  if (s.user !== undefined) out.User = s.user;
  if (s.memory !== undefined) {
    hc.Memory = s.memory;
    // A swap limit below the new memory limit is rejected by the engine; the default (twice the memory) applies instead.
    if (hc.MemorySwap !== undefined && hc.MemorySwap > 0 && hc.MemorySwap < s.memory) delete hc.MemorySwap;
  }
  if (s.pids !== undefined) hc.PidsLimit = s.pids;
  return out;
}
