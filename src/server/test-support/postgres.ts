/**
 * A private PostgreSQL 15 cluster for a test: initdb and pg_ctl from Debian's
 * `postgresql` package, run as the `postgres` user (PostgreSQL refuses to run as root)
 * in a temporary directory, listening on a free loopback port only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PgCluster {
  url: string;
  port: number;
  dir: string;
  stop(): void;
  start(): void;
  /** Stops the cluster and deletes its files. */
  destroy(): void;
}

const BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((d) => existsSync(path.join(d, 'pg_ctl')));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): string {
  const id = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  const r = spawnSync(cmd, args, { uid: id, gid, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  return r.stdout;
}

export async function startCluster(): Promise<PgCluster> {
  if (BIN === undefined) throw new Error('PostgreSQL is not installed: apt-get install postgresql (scripts/setup.sh --test does it)');
  const dir = mkdtempSync(path.join(tmpdir(), 'moat-pg-'));
  const id = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, id, gid);
  const data = path.join(dir, 'data');
  asPostgres(path.join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'moat', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const start = (): void => {
    asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  };
  const stop = (): void => {
    asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  start();
  asPostgres(path.join(BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'moat', '-d', 'postgres', '-c', 'CREATE DATABASE moat']);
  let stopped = false;
  const destroy = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      stop();
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', destroy);
  return { url: `postgres://moat@127.0.0.1:${port}/moat`, port, dir, stop, start, destroy };
}
