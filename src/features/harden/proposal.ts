/**
 * The least-privilege settings Moat proposes, each with its reason, and the order in which
 * they are given up when a verification run shows the workload does not behave the same
 * under them. The seccomp profile is never given up: it is what was recorded.
 */
import { inferCapabilities, NOT_INFERABLE, type CapabilityNeed } from './capabilities.ts';
import type { Settings } from './copy-body.ts';
import type { RunResult } from './copy-run.ts';
import { proposeLimits, type LimitProposal } from './limits.ts';
import type { SeccompProfile } from './seccomp-profile.ts';
import type { HardenTarget } from './target.ts';
import { chooseUser, isRootUser } from './user.ts';
import { planWrites, type WritePlan } from './writes.ts';

export interface Proposal {
  capabilities: {
    drop: ['ALL'];
    add: CapabilityNeed[];
    /** What it needs when it runs as root: proposed instead of `add` if the user change is given up. */
    ifRoot: CapabilityNeed[];
    /** Dropped without evidence either way: the kernel log cannot show their need. */
    notInferable: string[];
    /** Syscalls seen whose capability the original lacked, so it was not needed. */
    notHeld: string[];
    note?: string;
  };
  /** `ids`: the numeric uid/gid it runs as when not root, which the tmpfs mounts are given so it can write there. */
  user: { value: string; because: string; changed: boolean; ids?: { uid: number; gid: number } };
  readOnly: { enabled: boolean; tmpfs: WritePlan['tmpfs']; because: string };
  noNewPrivileges: boolean;
  limits: LimitProposal;
  seccomp: SeccompProfile;
}

export interface Observation {
  workloadSyscalls: ReadonlySet<string>;
  run: RunResult;
  peaks: RunResult['peaks'];
  uids: ReadonlySet<number>;
  gids: ReadonlySet<number>;
  comms: ReadonlySet<string>;
  sockets: RunResult['processes']['sockets'];
  changes: RunResult['changes'];
  unprivilegedPorts: boolean;
}

export function propose(t: HardenTarget, o: Observation, seccomp: (caps: string[]) => SeccompProfile): Proposal {
  const spec = t.spec;
  const caps = inferCapabilities({ workloadSyscalls: o.workloadSyscalls, sockets: o.sockets, uids: o.uids, spec, unprivilegedPorts: o.unprivilegedPorts });
  const root = isRootUser(spec.user);
  // A workload that switches users itself (nginx, postgres' entrypoint) must start as root with SETUID/SETGID; one that never does can start unprivileged.
  const switches = caps.needs.some((n) => n.cap === 'SETUID' || n.cap === 'SETGID') || o.uids.size > 1;
  let user: Proposal['user'];
  let add = caps.needs;
  let note: string | undefined;
  if (!root) {
    const uid = [...o.uids].find((u) => u !== 0);
    const gid = [...o.gids].find((g) => g !== 0);
    user = { value: spec.user ?? '', because: 'it already runs as a non-root user', changed: false, ids: uid !== undefined ? { uid, gid: gid ?? uid } : undefined };
    // Docker gives a non-root process no effective capabilities: what it made that would need one, it made without.
    if (!o.uids.has(0) && add.length > 0) {
      note = `it runs as uid ${uid ?? spec.user}, where capabilities are not in effect, so none is added (${add.map((a) => a.cap).join(', ')} would need root)`;
      add = [];
    }
  } else if (switches) {
    user = { value: spec.user || 'root', because: `it starts as root and switches users itself (uids seen: ${[...o.uids].sort((a, b) => a - b).join(', ')}), so it keeps its start user with SETUID/SETGID`, changed: false };
  } else {
    const choice = chooseUser({ imageUser: t.imageUser, passwd: o.run.passwd, comms: o.comms });
    const [uid, gid] = choice.user.split(':').map(Number) as [number, number];
    user = { value: choice.user, because: choice.because, changed: true, ids: { uid, gid } };
    if (add.length > 0) note = `as uid ${choice.user.split(':')[0]} the workload has no capabilities in effect (${add.map((a) => a.cap).join(', ')} would need root); if the user change is given up, these are proposed`;
    add = [];
  }
  const mountTargets = [...spec.mounts.map((m) => m.target), ...Object.keys(t.create.HostConfig.Tmpfs ?? {})];
  const writes = planWrites(o.changes, mountTargets);
  const readOnly: Proposal['readOnly'] = writes.blocker
    ? { enabled: false, tmpfs: [], because: writes.blocker }
    : {
        enabled: true,
        tmpfs: writes.tmpfs,
        because: writes.tmpfs.length ? `it writes only under ${writes.tmpfs.map((w) => w.path).join(', ')}` : 'it wrote nothing to its root filesystem',
      };
  const hc = t.create.HostConfig;
  const limits = proposeLimits(o.peaks, { memory: hc.Memory, pids: hc.PidsLimit ?? undefined });
  return {
    capabilities: { drop: ['ALL'], add, ifRoot: caps.needs, notInferable: NOT_INFERABLE.filter((c) => !add.some((a) => a.cap === c)), notHeld: caps.notHeld, note },
    user,
    readOnly,
    noNewPrivileges: true,
    limits,
    seccomp: seccomp(add.map((a) => a.cap)),
  };
}

/** One setting given up after a failed verification run, in the order they are tried. */
export interface Relaxation {
  id: 'user' | 'capabilities' | 'read-only' | 'no-new-privileges' | 'limits';
  /** What the run tried without, in words. */
  what: string;
}

/** The proposal as settings for a copy, minus the relaxations given up so far. */
export function settingsFor(p: Proposal, given: ReadonlySet<Relaxation['id']>): Settings {
  const s: Settings = {};
  if (!given.has('capabilities')) {
    s.capDrop = ['ALL'];
    // Without the user change the workload runs as root again, where the capabilities it needs take effect.
    s.capAdd = (given.has('user') && p.user.changed ? p.capabilities.ifRoot : p.capabilities.add).map((c) => c.cap);
  }
  if (!given.has('user') && p.user.changed) s.user = p.user.value;
  if (!given.has('read-only') && p.readOnly.enabled) {
    s.readOnly = true;
    // A tmpfs is root's unless told otherwise; a non-root workload gets its own, as it owned its writes before.
    const ids = p.user.changed && given.has('user') ? undefined : p.user.ids;
    s.tmpfs = p.readOnly.tmpfs.map((x) => (ids ? `${x.path}:uid=${ids.uid},gid=${ids.gid}` : x.path));
  }
  if (!given.has('no-new-privileges')) s.noNewPrivileges = true;
  if (!given.has('limits')) {
    s.memory = p.limits.memory;
    s.pids = p.limits.pids;
  }
  return s;
}

/** What can still be given up, most likely culprit first. */
export function relaxations(p: Proposal): Relaxation[] {
  const out: Relaxation[] = [];
  if (p.user.changed) out.push({ id: 'user', what: `the user change (${p.user.value})` });
  out.push({ id: 'capabilities', what: 'dropping capabilities' });
  if (p.readOnly.enabled) out.push({ id: 'read-only', what: 'the read-only root filesystem' });
  out.push({ id: 'no-new-privileges', what: 'no-new-privileges' });
  out.push({ id: 'limits', what: 'the memory and PIDs limits' });
  return out;
}
