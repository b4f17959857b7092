/**
 * Users and groups from /etc/passwd and /etc/group: the host's (never NSS: the files are what
 * `--host-root` can see), and an image's (harden picks a non-root account from it). One reading
 * for both: `name:password:uid:gid[:gecos:home:shell]`, a line without a name or with ids that
 * are not non-negative integers skipped, not fatal (the file is not Moat's input).
 */

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  /** Home directory (field 6), when the entry has one. */
  home?: string;
  /** Login shell (field 7), when the entry has one. */
  shell?: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#') || !f[0]) continue;
    const uid = toId(f[2]);
    const gid = toId(f[3]);
    if (uid !== undefined && gid !== undefined) out.push({ name: f[0], uid, gid, ...(f[5] ? { home: f[5] } : {}), ...(f[6] ? { shell: f[6] } : {}) });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#') || !f[0]) continue;
    const gid = toId(f[2]);
    if (gid === undefined) continue;
    const members = (f[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
    out.push({ name: f[0], gid, members });
  }
  return out;
}

/**
 * Who can use the docker group's access: the listed members, and also the users
 * whose primary group it is (which `getent group docker` does not show).
 */
export function dockerGroupOf(groups: readonly GroupEntry[], users: readonly PasswdEntry[]): { gid: number; members: string[] } | undefined {
  const g = groups.find((x) => x.name === 'docker');
  if (!g) return undefined;
  const members = new Set(g.members);
  for (const u of users) if (u.gid === g.gid) members.add(u.name);
  return { gid: g.gid, members: [...members] };
}

/** First name wins for a repeated id, as getpwuid does. */
export function nameMaps(users: readonly PasswdEntry[], groups: readonly GroupEntry[]): { users: Map<number, string>; groups: Map<number, string> } {
  const u = new Map<number, string>();
  const g = new Map<number, string>();
  for (const x of users) if (!u.has(x.uid)) u.set(x.uid, x.name);
  for (const x of groups) if (!g.has(x.gid)) g.set(x.gid, x.name);
  return { users: u, groups: g };
}

function toId(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}
