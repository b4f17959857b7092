/** What the server's tests share: a store of either kind, a running server, API calls, documents. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importPaths } from '../../knowledge/vuln/db/import.ts';
import { startServer, type RunningServer } from '../server.ts';
import { startCluster, type PgCluster } from './postgres.ts';

export type StoreKind = 'embedded' | 'postgres';
const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface StoreHandle {
  kind: StoreKind;
  dir: string;
  options: { data: string } | { database: string };
  cluster?: PgCluster;
  vulnDb: string;
  destroy(): void;
}

export async function makeStore(kind: StoreKind): Promise<StoreHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), `moat-serve-${kind}-`));
  const cluster = kind === 'postgres' ? await startCluster() : undefined;
  const handle: StoreHandle = {
    kind,
    dir,
    options: cluster ? { database: cluster.url } : { data: path.join(dir, 'data') },
    vulnDb: path.join(dir, 'osv.sqlite'),
    destroy() {
      cluster?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (cluster) handle.cluster = cluster;
  return handle;
}

export async function runServer(store: StoreHandle, extra: { listen?: string } = {}): Promise<RunningServer> {
  return startServer({
    listen: extra.listen ?? '127.0.0.1:0',
    ...store.options,
    vulnDb: store.vulnDb,
    rematchCheckSeconds: 0.2,
    pollSeconds: 0.5,
    migrateCommand: 'moat serve migrate',
    log: (line) => {
      serverLog.push(line);
      if (serverLog.length > 200) serverLog.shift();
    },
  });
}

/** What the servers of this test file logged, most recent last: a wait that times out shows it. */
const serverLog: string[] = [];

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { error?: string };
}

export async function api(url: string, token: string | undefined, method: string, route: string, body?: unknown, opts: { gzip?: boolean; raw?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...opts.headers };
  let payload: Buffer | undefined = opts.raw;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = Buffer.from(JSON.stringify(body));
    if (opts.gzip !== false) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
  }
  const res = await fetch(`${url}${route}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, json };
}

/** The document `moat audit --format json` prints on this machine's engine (exit 1: it has findings). */
export function realAudit(): Record<string, unknown> {
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(ROOT, 'src/cli/bin.ts'), 'audit', '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return JSON.parse(out) as Record<string, unknown>;
}

export const DEBIAN = { id: 'debian', versionId: '12', versionCodename: 'bookworm', idLike: [], foundIn: 'etc/os-release' };

export function debPackage(name: string, version: string, source = name): Record<string, unknown> {
  return {
    type: 'deb',
    name,
    version,
    source: { name: source, version },
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12`,
    foundIn: 'var/lib/dpkg/status',
  };
}

export function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}

export function reportDoc(host: string, id: string, opts: { audit?: Record<string, unknown>; images?: object[]; containers?: object[] } = {}): Record<string, unknown> {
  return {
    schema: 'moat.agent-report/1',
    id,
    host,
    sentAt: new Date().toISOString(),
    agentVersion: '0.1.0',
    audit: opts.audit ?? { findings: [] },
    images: opts.images ?? [],
    ...(opts.containers ? { containers: opts.containers } : {}),
  };
}

/** A Debian advisory for `source` below `fixed`. */
export function advisory(id: string, cve: string, source: string, fixed: string, severity = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'): object {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-12-01T00:00:00Z',
    published: '2026-12-01T00:00:00Z',
    aliases: [cve],
    summary: `${source} test vulnerability`,
    severity: [{ type: 'CVSS_V3', score: severity }],
    affected: [{ package: { ecosystem: 'Debian:12', name: source }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  };
}

let batch = 0;
/** Imports OSV records into the vulnerability database file, as `moat db import` does (the file is swapped whole). */
export async function importAdvisories(file: string, records: readonly object[]): Promise<void> {
  const dir = path.join(path.dirname(file), `records-${batch++}`);
  mkdirSync(dir, { recursive: true });
  records.forEach((r, i) => writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(r)));
  await importPaths(file, [dir]);
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${serverLog.length ? `; the server's last log lines:\n${serverLog.slice(-20).join('\n')}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
