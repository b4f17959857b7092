/**
 * Audit watches: what `auditctl -l` says the kernel enforces, or else what the rule
 * files configure. Only reading: `auditctl -l` lists and never loads.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { AuditRules } from '../../models/host-spec.ts';
import { listDir, underRoot } from './files.ts';
import { readTextHere } from './local-lookup.ts';

export const AUDITCTL_PATHS = ['/sbin/auditctl', '/usr/sbin/auditctl', '/usr/bin/auditctl', '/bin/auditctl'];
export const AUDIT_RULES_FILE = '/etc/audit/audit.rules';
export const AUDIT_RULES_DIR = '/etc/audit/rules.d';

/** Runs `auditctl -l`; resolves to its output, or undefined when it cannot list (not root, no audit in the kernel). */
export type AuditctlRunner = (binary: string) => Promise<string | undefined>;

/**
 * Paths watched by the rules in `text`, applied in order on top of `into`:
 * `-w PATH` and `-F path=`/`-F dir=` add, `-W PATH` removes.
 */
export function parseAuditRules(text: string, into: Set<string> = new Set()): Set<string> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const t = line.split(/\s+/);
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      const arg = t[i + 1];
      if ((tok === '-w' || tok === '-W') && arg !== undefined) {
        const p = normalize(arg);
        if (tok === '-w') into.add(p);
        else into.delete(p);
        i++;
      } else if (tok === '-F' && arg !== undefined) {
        const m = /^(path|dir)=(.+)$/.exec(arg);
        if (m?.[2]) into.add(normalize(m[2]));
        i++;
      }
    }
  }
  return into;
}

/**
 * `live`: the root is this machine's own, so its auditctl talks to the kernel whose
 * rules matter. Under --host-root the binary belongs to the host, not to this
 * container, and only the files can be read.
 */
export async function readAudit(root: string, run: AuditctlRunner = runAuditctl, live = root === '/'): Promise<AuditRules> {
  let auditctl: string | undefined;
  for (const p of AUDITCTL_PATHS) {
    if (await isFile(underRoot(root, p))) {
      auditctl = p;
      break;
    }
  }
  if (auditctl && live) {
    const out = await run(auditctl);
    if (out !== undefined) return { sources: ['auditctl -l'], watchedPaths: parseAuditRules(out), available: true };
  }
  const files: string[] = [];
  if (await isFile(underRoot(root, AUDIT_RULES_FILE))) files.push(AUDIT_RULES_FILE);
  for (const name of await listDir(root, AUDIT_RULES_DIR)) {
    if (name.endsWith('.rules') && (await isFile(underRoot(root, `${AUDIT_RULES_DIR}/${name}`)))) files.push(`${AUDIT_RULES_DIR}/${name}`);
  }
  const watched = new Set<string>();
  const sources: string[] = [];
  for (const f of files) {
    const text = await readTextHere(underRoot(root, f)).catch(() => undefined);
    if (text === undefined) continue;
    parseAuditRules(text, watched);
    sources.push(f);
  }
  return { sources, watchedPaths: watched, available: auditctl !== undefined || files.length > 0 };
}

const runAuditctl: AuditctlRunner = (binary) =>
  new Promise((resolve) => {
    execFile(binary, ['-l'], { timeout: 5000, maxBuffer: 8 * 1024 * 1024, env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }, (err, stdout) => {
      resolve(err ? undefined : stdout);
    });
  });

function normalize(p: string): string {
  const s = p.replace(/^["']|["']$/g, '');
  return s.length > 1 ? s.replace(/\/+$/, '') : s;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
