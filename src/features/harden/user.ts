/**
 * A non-root user for a workload that runs as root, from the image's /etc/passwd (read
 * from the copy through the engine's archive API) or the image's USER.
 */
import { parsePasswd } from '../../doors/host/accounts.ts';

/** Whether a `--user` value (name, uid, `uid:gid`) means root. */
export function isRootUser(user: string | undefined): boolean {
  const u = (user ?? '').split(':')[0] ?? '';
  return u === '' || u === '0' || u === 'root';
}

export interface UserChoice {
  /** `uid:gid`, numeric so the engine needs no lookup. */
  user: string;
  because: string;
}

/** The conventional unprivileged id; needs no passwd entry. */
const NOBODY = 65534;

/**
 * Prefers, in order: the image's own USER (when the container overrode it with root), an
 * account named like one of the workload's processes (nginx, redis...), the first regular
 * account (uid 1000–59999), `nobody`, and finally 65534:65534 without an entry.
 */
export function chooseUser(opts: { imageUser?: string; passwd?: string; comms: ReadonlySet<string> }): UserChoice {
  const entries = opts.passwd ? parsePasswd(opts.passwd) : [];
  if (opts.imageUser && !isRootUser(opts.imageUser)) {
    const [u, g] = opts.imageUser.split(':');
    const e = entries.find((x) => x.name === u || String(x.uid) === u);
    const uid = e?.uid ?? (/^\d+$/.test(u ?? '') ? Number(u) : undefined);
    if (uid !== undefined) return { user: `${uid}:${g && /^\d+$/.test(g) ? g : (e?.gid ?? uid)}`, because: `the image's own USER ${opts.imageUser}` };
  }
  const nonRoot = entries.filter((e) => e.uid !== 0);
  const named = nonRoot.find((e) => opts.comms.has(e.name));
  if (named) return { user: `${named.uid}:${named.gid}`, because: `account "${named.name}" in the image's /etc/passwd, named like its process` };
  const regular = nonRoot.filter((e) => e.uid >= 1000 && e.uid < 60000).sort((a, b) => a.uid - b.uid)[0];
  if (regular) return { user: `${regular.uid}:${regular.gid}`, because: `the first regular account in the image's /etc/passwd ("${regular.name}")` };
  const nobody = nonRoot.find((e) => e.uid === NOBODY || e.name === 'nobody');
  if (nobody) return { user: `${nobody.uid}:${nobody.gid}`, because: `account "nobody" in the image's /etc/passwd` };
  return { user: `${NOBODY}:${NOBODY}`, because: opts.passwd === undefined ? 'the image has no /etc/passwd: the conventional unprivileged id 65534' : 'the image has no unprivileged account: the conventional id 65534' };
}
