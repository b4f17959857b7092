/**
 * Where a local dockerd listens for swarm management (TCP 2377): read from
 * /proc/PID/net/tcp{,6}, which show the sockets of that process's own network namespace.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';

export const SWARM_PORT = 2377;

/** `0100007F:0951` → `127.0.0.1:2377`; IPv6 words are little-endian per 32-bit group. */
export function decodeProcAddress(hex: string): string {
  const [addr = '', port = ''] = hex.split(':');
  const p = parseInt(port, 16);
  if (addr.length === 8) {
    const bytes = addr.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    return `${bytes.join('.')}:${p}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const word = addr.slice(i, i + 8).match(/../g)!.reverse().join('');
    groups.push(word.slice(0, 4), word.slice(4));
  }
  const text = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  return `[${text === '0:0:0:0:0:0:0:0' ? '::' : text}]:${p}`;
}

/** The LISTEN sockets on the swarm port in one /proc/net/tcp file's text. */
export function swarmListenersIn(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // cols[1] is local address, cols[3] the state: 0A is LISTEN.
    if (cols.length < 4 || cols[3] !== '0A') continue;
    const local = decodeProcAddress(cols[1]!);
    if (local.endsWith(`:${SWARM_PORT}`)) out.push(local);
  }
  return out;
}

export async function readSwarmListeners(root: string, pid: number): Promise<string[] | undefined> {
  const texts = await Promise.all(['tcp', 'tcp6'].map((f) => readFile(posix.join(root, 'proc', String(pid), 'net', f), 'utf8').catch(() => undefined)));
  if (texts.every((t) => t === undefined)) return undefined;
  return texts.flatMap((t) => (t ? swarmListenersIn(t) : []));
}
