/**
 * Facts about the machine that runs the daemon: the files the CIS benchmark names,
 * the kernel's security features, audit rules, mounts. Read from the file system
 * (optionally under a `--host-root` prefix, for running Moat inside a container).
 */
export interface HostSpec {
  /** Prefix the facts were read under ('/' normally). */
  root: string;
  files: Map<string, FileFact>;
  /** Audit watch rules in force or configured, e.g. `-w /usr/bin/dockerd -k docker`. */
  audit: AuditRules;
  kernel: KernelFacts;
  mounts: MountFact[];
  /** Members of the `docker` group (names), when the group exists. */
  dockerGroup?: { gid: number; members: string[] };
  /** Environment of the auditing process relevant to the benchmark (DOCKER_CONTENT_TRUST). */
  env: Record<string, string | undefined>;
}

export interface FileFact {
  /** Path as seen on the host (without the root prefix). */
  path: string;
  exists: boolean;
  type?: 'file' | 'directory' | 'socket' | 'symlink' | 'other';
  /** Permission bits, e.g. 0o644. */
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  /** Why the fact could not be read (EACCES...), when it could not. */
  error?: string;
}

export interface AuditRules {
  /** Where the rules came from: `auditctl -l`, or the rule files read. */
  sources: string[];
  /** Paths watched by a `-w PATH` rule or a `-F path=`/`-F dir=` rule. */
  watchedPaths: Set<string>;
  available: boolean;
}

export interface KernelFacts {
  apparmorEnabled: boolean;
  selinuxEnabled: boolean;
  cgroupVersion: 1 | 2;
}

export interface MountFact {
  mountPoint: string;
  /** Root of the mount within its file system (4th field of mountinfo); '/' for a whole file system. */
  root: string;
  fsType: string;
  source: string;
  /** major:minor of the backing device. */
  device: string;
  options: string[];
}
