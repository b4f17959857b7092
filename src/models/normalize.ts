import type { SecurityOptions } from './container-spec.ts';

/**
 * Normalisers every door shares, so that `cap_sys_admin`, `CAP_SYS_ADMIN` and
 * `SYS_ADMIN` (or `seccomp:unconfined` and `seccomp=unconfined`) reach the rules as one value.
 */
export function normalizeCapability(name: string): string {
  const up = name.trim().toUpperCase();
  return up.startsWith('CAP_') ? up.slice(4) : up;
}

export function normalizeCapabilities(names: readonly string[] | null | undefined): string[] {
  return [...new Set((names ?? []).map(normalizeCapability).filter((n) => n !== ''))];
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Parses `--security-opt` values (both `key=value` and the legacy `key:value` forms). */
export function parseSecurityOpts(opts: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { selinuxLabels: [], selinuxDisabled: false, noNewPrivileges: false, raw: [...(opts ?? [])] };
  for (const opt of opts ?? []) {
    const m = /^([a-zA-Z-]+)(?:[=:](.*))?$/s.exec(opt.trim());
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2];
    switch (key) {
      case 'seccomp':
        if (value !== undefined) out.seccomp = value;
        break;
      case 'apparmor':
        if (value !== undefined) out.apparmor = value;
        break;
      case 'label':
        if (value === 'disable') out.selinuxDisabled = true;
        else if (value !== undefined) out.selinuxLabels.push(value);
        break;
      case 'no-new-privileges':
        // The daemon reads the value with Go's strconv.ParseBool.
        out.noNewPrivileges = value === undefined || value === '' || GO_TRUE.has(value);
        break;
      case 'disable':
        // The daemon takes a bare `disable` as `label=disable`.
        if (value === undefined) out.selinuxDisabled = true;
        break;
      default:
        break;
    }
  }
  return out;
}

/** `80/tcp` → { port: 80, protocol: 'tcp' }; undefined for anything else. */
export function parsePortKey(key: string): { port: number; protocol: 'tcp' | 'udp' | 'sctp' } | undefined {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
  if (!m) return undefined;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return undefined;
  return { port, protocol: (m[2]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' | 'sctp' };
}
