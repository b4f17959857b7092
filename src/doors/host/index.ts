/**
 * The host door: reads the facts the CIS benchmark's host sections need into a
 * HostSpec. It only reads (stat, readFile, readdir, `auditctl -l`), everything under
 * `root` so that Moat can audit a host mounted into its container, and a file it
 * cannot read becomes an `error` on that file's fact, never a failed audit.
 */
import { posix } from 'node:path';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { FileFact, HostSpec } from '../../models/host-spec.ts';
import { dockerGroupOf, nameMaps, parseGroup, parsePasswd } from './accounts.ts';
import { readAudit, type AuditctlRunner } from './auditd.ts';
import { fileFact, listDir, underRoot } from './files.ts';
import { readKernel } from './kernel.ts';
import { readTextHere } from './local-lookup.ts';
import { parseMountinfo } from './mounts.ts';
import { FILE_ROLES, certsDirOf, pathCandidates } from '../../models/host-paths.ts';

export { certsDirOf, hostPaths, pathCandidates, registryCertsIn, dataRootOf, dockerSocketsOf, FILE_ROLES, type FileRole, type HostPaths, type PathCandidates } from '../../models/host-paths.ts';
export { parseAuditRules, readAudit, type AuditctlRunner } from './auditd.ts';
export { parseMountinfo, unescapeMountPath } from './mounts.ts';
export { parsePasswd, parseGroup, dockerGroupOf } from './accounts.ts';
export { fileFact, resolveUnder } from './files.ts';
export { readKernel } from './kernel.ts';

export interface ReadHostOptions {
  /** Where the host's file system is mounted ('/' unless Moat runs in a container with the host under e.g. /host). */
  root?: string;
  /** The daemon's options name some of the files (TLS material, config file, sockets, data root). */
  daemon?: DaemonSpec;
  env?: NodeJS.ProcessEnv;
  /** Replaces `auditctl -l` (tests). */
  auditctl?: AuditctlRunner;
}

/** Most registries have a handful of files; the cap keeps a pathological certs.d from dominating the audit. */
const MAX_REGISTRY_CERTS = 1000;

export async function readHost(opts: ReadHostOptions = {}): Promise<HostSpec> {
  const root = posix.resolve(opts.root ?? '/');
  const env = opts.env ?? process.env;
  const [passwd, group] = await Promise.all([readText(root, '/etc/passwd'), readText(root, '/etc/group')]);
  const users = parsePasswd(passwd);
  const groups = parseGroup(group);
  const names = nameMaps(users, groups);

  const candidates = pathCandidates(opts.daemon);
  const paths = new Set<string>([...FILE_ROLES.flatMap((r) => candidates[r]), ...candidates.dockerSockets]);
  const certsDir = certsDirOf(opts.daemon);
  if (certsDir) for (const p of await registryCertPaths(root, certsDir)) paths.add(p);

  const [facts, audit, kernel, mounts] = await Promise.all([
    Promise.all([...paths].map((p) => fileFact(root, p, names))),
    readAudit(root, opts.auditctl),
    readKernel(root),
    // Under a host root our own /proc/self is the container's view; the host's init sees the host's mounts.
    readText(root, root === '/' ? '/proc/self/mountinfo' : '/proc/1/mountinfo').then(parseMountinfo),
  ]);

  const dockerGroup = dockerGroupOf(groups, users);
  return {
    root,
    files: new Map<string, FileFact>(facts.map((f) => [f.path, f])),
    audit,
    kernel,
    mounts,
    ...(dockerGroup ? { dockerGroup } : {}),
    env: { DOCKER_CONTENT_TRUST: env.DOCKER_CONTENT_TRUST },
  };
}

async function registryCertPaths(root: string, certsDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const registry of await listDir(root, certsDir)) {
    for (const name of await listDir(root, `${certsDir}/${registry}`)) {
      out.push(`${certsDir}/${registry}/${name}`);
      if (out.length >= MAX_REGISTRY_CERTS) return out;
    }
  }
  return out;
}

async function readText(root: string, hostPath: string): Promise<string> {
  return readTextHere(underRoot(root, hostPath)).catch(() => '');
}
