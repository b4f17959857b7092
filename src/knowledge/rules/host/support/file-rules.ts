/**
 * Factories for the benchmark's many "this file is owned by root and not writable by
 * others" recommendations, so each rule module is only its metadata. Modes are
 * compared as permission bits (mode & ~allowed), not as decimal numbers: 0o640 is
 * within 0o644, 0o600 is not within 0o444.
 */
import type { Severity } from '../../../../models/finding.ts';
import type { FileFact, HostSpec } from '../../../../models/host-spec.ts';
import type { DaemonSpec, RootlessDaemon } from '../../../../models/daemon-spec.ts';
import { hostPaths, type HostPaths } from '../../../../models/host-paths.ts';
import { hostRule, notApplicable, type HostRule, type Issue, type SystemFacts } from '../../../../models/rule.ts';

/**
 * Why a host-file check cannot run when the engine is reached over tcp:// or ssh://: the files it
 * judges are on the daemon's machine, and reading this machine's copies would judge the wrong host.
 */
export const REMOTE = "not applicable (remote daemon): the engine is reached over the network, so its host's files, sockets and audit rules are not on this machine; run Moat on the daemon's host to check them";

/** Why the system daemon's socket unit checks do not apply to a rootless daemon. */
export const ROOTLESS_NO_SOCKET_UNIT =
  "not applicable (rootless daemon): it is started by its user's systemd unit (~/.config/systemd/user/docker.service) and creates its own socket in $XDG_RUNTIME_DIR; no docker.socket unit hands it one";
/** Why /etc/default/docker and /etc/sysconfig/docker checks do not apply to a rootless daemon. */
export const ROOTLESS_NO_INIT_FILE =
  "not applicable (rootless daemon): only the system daemon's service reads this file; a rootless daemon takes its options from its command line and ~/.config/docker/daemon.json";
/** Why /etc/containerd/config.toml checks do not apply to a rootless daemon. */
export const ROOTLESS_NO_CONTAINERD_CONFIG =
  'not applicable (rootless daemon): it runs its own containerd, configured by dockerd under $XDG_RUNTIME_DIR/docker/containerd; /etc/containerd/config.toml configures the system containerd';

export interface FileRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  /** CIS v1.6.0 number as docker-bench numbers it; docker-bench's check has the same number. */
  cis: string;
  rationale: string;
  remediation: string;
  cwe?: string[];
  urls?: string[];
  /** The host paths this rule judges. */
  files: (paths: HostPaths, facts: SystemFacts) => ReadonlyArray<string | undefined>;
  /** Why the rule does not apply when `files` gives nothing (no TLS configured...). */
  none?: string | ((facts: SystemFacts) => string);
  /** Why the rule does not apply to a rootless daemon, when the file it judges is one only the system daemon uses. */
  rootless?: string;
  /** Why the rule does not apply when no file exists, when `<path> does not exist` would mislead (searched several places). */
  absent?: string | ((facts: SystemFacts) => string);
}

export interface Judged {
  fact: FileFact & { mode: number; uid: number; gid: number };
  host: HostSpec;
  daemon: DaemonSpec;
}

/**
 * Runs `judge` over every path that exists. Any problem found is reported even when
 * another file could not be read; a read error with no problem found is thrown, so
 * the verdict is `error`, never a pass the facts do not support.
 */
export function fileRule(spec: FileRuleSpec, judge: (j: Judged) => Issue | undefined): HostRule {
  return hostRule({
    meta: {
      id: spec.id,
      target: 'host',
      title: spec.title,
      severity: spec.severity,
      cis: { id: spec.cis, automated: true },
      peers: { dockerBench: spec.cis },
      rationale: spec.rationale,
      remediation: spec.remediation,
      ...(spec.cwe ? { cwe: spec.cwe } : {}),
      ...(spec.urls ? { urls: spec.urls } : {}),
    },
    check(facts) {
      const host = facts.host;
      if (!host) return notApplicable(REMOTE);
      if (facts.daemon.rootless && spec.rootless) return notApplicable(spec.rootless);
      const paths = spec.files(hostPaths(host, facts.daemon), facts).filter((p): p is string => p !== undefined);
      if (paths.length === 0) return notApplicable(typeof spec.none === 'function' ? spec.none(facts) : (spec.none ?? 'no file to check'));
      const issues: Issue[] = [];
      const errors: string[] = [];
      const absent: string[] = [];
      for (const p of paths) {
        const f = host.files.get(p);
        if (!f) errors.push(`${p} was not examined`);
        else if (f.error) errors.push(f.error);
        else if (!f.exists) absent.push(p);
        else if (f.mode === undefined || f.uid === undefined || f.gid === undefined) errors.push(`${p}: mode and owner unknown`);
        else {
          const issue = judge({ fact: { ...f, mode: f.mode, uid: f.uid, gid: f.gid }, host, daemon: facts.daemon });
          if (issue) issues.push(issue);
        }
      }
      if (issues.length > 0) return issues;
      if (errors.length > 0) throw new Error(errors.join('; '));
      if (absent.length === paths.length) {
        const why = typeof spec.absent === 'function' ? spec.absent(facts) : spec.absent;
        return notApplicable(why ?? `${absent.join(', ')} ${absent.length > 1 ? 'do' : 'does'} not exist`);
      }
      return [];
    },
  });
}

export type Owner = 'root:root' | 'root:docker';

/** Others (or the group) writing a root-controlled file is worse than the benchmark's letter being missed. */
export const writeByOthers = (excess: number): Severity | undefined => (excess & 0o022 ? 'high' : undefined);

/**
 * Ownership must be `owner`. For root:docker a root group also passes: it grants the socket to fewer people, not more.
 * A rootless daemon's files are its user's (see `rootlessOwnerIssue`).
 */
export function ownerRule(spec: FileRuleSpec & { owner: Owner }): HostRule {
  return fileRule(spec, ({ fact, host, daemon }) => {
    if (daemon.rootless) return rootlessOwnerIssue(fact, daemon.rootless);
    const groupOk = spec.owner === 'root:root' ? fact.gid === 0 : fact.gid === 0 || fact.group === 'docker' || fact.gid === host.dockerGroup?.gid;
    if (fact.uid === 0 && groupOk) return undefined;
    return {
      message: `${fact.path} is owned by ${ownerOf(fact)}, expected ${spec.owner}`,
      at: { file: fact.path },
      evidence: evidenceOf(fact),
    };
  });
}

/**
 * A rootless daemon runs as its user and creates its socket, config and data as that user, so
 * the benchmark's root:root (or root:docker) becomes that user; root still passes (it can only
 * be stricter). The group may be the user's own or one of the user's subordinate gids: dockerd
 * gives its socket the `docker` group of its namespace, which maps to a subordinate gid that no
 * process outside the user's own namespaces holds.
 */
export function rootlessOwnerIssue(fact: Judged['fact'], r: RootlessDaemon): Issue | undefined {
  if (r.uid === undefined) throw new Error(`${fact.path}: the rootless daemon's user is unknown (its process and data root are not visible), so its owner cannot be judged`);
  const inSub = r.subgids.some((s) => fact.gid >= s.start && fact.gid < s.start + s.count);
  const groupOk = fact.gid === 0 || fact.gid === r.gid || inSub;
  if ((fact.uid === r.uid || fact.uid === 0) && groupOk) return undefined;
  const who = r.user ?? `uid ${r.uid}`;
  return {
    message: `${fact.path} is owned by ${ownerOf(fact)}, expected ${who} (the rootless daemon's user${r.gid !== undefined ? `, group ${r.gid} or one of its subordinate gids` : ''}) or root`,
    at: { file: fact.path },
    evidence: evidenceOf(fact),
  };
}

/**
 * Mode must have no bit outside `max`. `severityOf` raises the severity for the
 * worst excess (others can write a socket that is root on the host).
 */
export function modeRule(spec: FileRuleSpec & { max: number; severityOf?: (excess: number) => Severity | undefined }): HostRule {
  return fileRule(spec, ({ fact, daemon }) => {
    let excess = fact.mode & ~spec.max & 0o7777;
    // XDG Base Directory: a sticky file in $XDG_RUNTIME_DIR is kept by the runtime-dir cleaner; it grants nobody anything.
    if (daemon.rootless && isUnder(fact.path, daemon.rootless.runtimeDir)) excess &= ~0o1000;
    if (excess === 0) return undefined;
    const severity = spec.severityOf?.(excess);
    return {
      message: `${fact.path} has mode ${octal(fact.mode)}, more permissive than ${octal(spec.max)}: ${describeBits(excess)}`,
      at: { file: fact.path },
      evidence: evidenceOf(fact),
      ...(severity ? { severity } : {}),
    };
  });
}

function isUnder(path: string, dir: string | undefined): boolean {
  return dir !== undefined && path.startsWith(`${dir.replace(/\/+$/, '')}/`);
}

export function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}

export function ownerOf(f: FileFact): string {
  return `${f.user ?? f.uid ?? '?'}:${f.group ?? f.gid ?? '?'}`;
}

export function evidenceOf(f: FileFact): string {
  return `mode ${f.mode === undefined ? '?' : octal(f.mode)} owner ${ownerOf(f)}`;
}

const BITS: Array<[number, string]> = [
  [0o4000, 'setuid'],
  [0o2000, 'setgid'],
  [0o1000, 'sticky'],
  [0o400, 'owner read'],
  [0o200, 'owner write'],
  [0o100, 'owner execute'],
  [0o040, 'group read'],
  [0o020, 'group write'],
  [0o010, 'group execute'],
  [0o004, 'others read'],
  [0o002, 'others write'],
  [0o001, 'others execute'],
];

/** `0o022` -> `group write, others write`. */
export function describeBits(bits: number): string {
  return BITS.filter(([b]) => bits & b).map(([, name]) => name).join(', ');
}
