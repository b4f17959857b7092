import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { hostname } from 'node:os';
import { connect, type Socket } from 'node:net';
import type { Severity } from '../../../models/finding.ts';
import { MoatError } from '../../../util/errors.ts';
import type { Alert } from '../alert.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import type { Sink, SinkStats } from './sink.ts';

export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

/** Finding severities as syslog severities (RFC 5424 §6.2.1). */
const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/** Past this, a UDP datagram risks being cut by receivers (RFC 5426 asks for 2048 at least; most take 8 KiB). */
const MAX_UDP_MESSAGE = 8 * 1024;

export type SyslogTarget = { kind: 'udp'; host: string; port: number } | { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export function parseSyslogAddress(raw: string): SyslogTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new MoatError('usage', `--syslog "${raw}" is not an address: use udp://HOST:PORT, tcp://HOST:PORT or unix:///path/to/socket`);
  }
  if (u.protocol === 'unix:') {
    if (!u.pathname) throw new MoatError('usage', `--syslog "${raw}" names no socket path`);
    return { kind: 'unix', path: decodeURIComponent(u.pathname) };
  }
  if (u.protocol === 'udp:' || u.protocol === 'tcp:') {
    const port = u.port ? Number(u.port) : 514;
    return { kind: u.protocol === 'udp:' ? 'udp' : 'tcp', host: u.hostname.replace(/^\[|\]$/g, ''), port };
  }
  throw new MoatError('usage', `--syslog "${raw}": use udp://, tcp:// or unix:// (a stream socket; /dev/log datagram sockets are not reachable from Node without a native addon)`);
}

/**
 * One RFC 5424 message: the alert's kind as MSGID, its JSON as MSG, so a SIEM can parse
 * it and a person can read it. Alerts too large for a datagram keep their headline only.
 */
export function formatSyslog(a: Alert, facility: number, opts: { host?: string; pid?: number; maxBytes?: number } = {}): string {
  const pri = facility * 8 + SYSLOG_SEVERITY[a.severity];
  const header = `<${pri}>1 ${a.time} ${sanitize(opts.host ?? hostname(), 255)} moat ${opts.pid ?? process.pid} ${a.kind} -`;
  let msg = JSON.stringify(a);
  if (opts.maxBytes !== undefined && Buffer.byteLength(header) + 1 + Buffer.byteLength(msg) > opts.maxBytes) {
    msg = JSON.stringify({ schemaVersion: a.schemaVersion, time: a.time, kind: a.kind, severity: a.severity, message: a.message.slice(0, 1024), container: a.container, truncated: true });
  }
  return `${header} ${msg}`;
}

/** Header fields are printable US-ASCII without spaces (RFC 5424 §6). */
function sanitize(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

export interface SyslogOptions {
  address: string;
  facility?: string;
  queue?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  onFailure?: (message: string) => void;
}

export function parseFacility(name: string | undefined): number {
  const f = FACILITIES[name ?? 'local0'];
  if (f === undefined) throw new MoatError('usage', `unknown syslog facility "${name}": use one of ${Object.keys(FACILITIES).join(', ')}`);
  return f;
}

/**
 * Syslog over UDP (fire and forget, as the protocol is), or over a TCP or unix stream
 * socket (newline-framed, RFC 6587 §3.4.2) with the webhook's queue: reconnect, retry,
 * order kept, a bounded loss that is counted and announced.
 */
export function syslogSink(opts: SyslogOptions): Sink {
  const target = parseSyslogAddress(opts.address);
  const facility = parseFacility(opts.facility);
  const shown = target.kind === 'unix' ? `unix://${target.path}` : `${target.kind}://${target.host}:${target.port}`;
  if (target.kind === 'udp') return udpSink(target, facility, shown, opts);

  let sock: Socket | undefined;
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = target.kind === 'unix' ? connect(target.path) : connect(target.port, target.host);
      s.once('connect', () => {
        s.removeListener('error', reject);
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (sock === s) sock = undefined;
        });
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`syslog ${shown}: ${e.code ?? e.message}`)));
    });
  const deliver = async (a: Alert): Promise<void> => {
    sock ??= await open();
    const s = sock;
    await new Promise<void>((resolve, reject) => {
      s.write(formatSyslog(a, facility) + '\n', (e) => (e ? reject(new Error(`syslog ${shown}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)) : resolve()));
    });
  };
  const q = new DeliveryQueue(`syslog ${shown}`, deliver, { capacity: opts.queue ?? 1000, backoffMs: opts.backoffMs, maxBackoffMs: opts.maxBackoffMs, onFailure: (e, n) => opts.onFailure?.(`${e.message} (attempt ${n}; retrying, ${q.length} queued)`) });
  return {
    name: `syslog ${shown}`,
    write: (a) => q.push(a),
    flush: (t) => q.drain(t),
    close: async () => {
      q.close();
      sock?.end();
    },
    stats: () => q.stats(),
  };
}

function udpSink(target: { host: string; port: number }, facility: number, shown: string, opts: SyslogOptions): Sink {
  const sock: UdpSocket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  sock.unref();
  const counts = { delivered: 0, dropped: 0, failures: 0 };
  let inFlight = 0;
  sock.on('error', (e) => {
    counts.failures++;
    opts.onFailure?.(`syslog ${shown}: ${e.message}`);
  });
  return {
    name: `syslog ${shown}`,
    write(a: Alert): void {
      inFlight++;
      sock.send(formatSyslog(a, facility, { maxBytes: MAX_UDP_MESSAGE }), target.port, target.host, (e) => {
        inFlight--;
        if (e) {
          counts.failures++;
          counts.dropped++;
          opts.onFailure?.(`syslog ${shown}: ${e.message}`);
        } else counts.delivered++;
      });
    },
    async flush(timeoutMs: number): Promise<number> {
      const until = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return inFlight;
    },
    close: async () => new Promise<void>((resolve) => sock.close(() => resolve())),
    stats: (): SinkStats => ({ queued: inFlight, ...counts }),
  };
}
