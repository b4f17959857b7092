/**
 * `moat watch` as a user runs it: a real process against the real engine, alerts to a
 * file and a webhook on 127.0.0.1 that is down when SIGINT arrives and up just after (the
 * queue is flushed before exit), metrics scraped, and one-line errors for bad input.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../src/features/watch/alert.ts';
import { validateAlert } from '../src/features/watch/test-support/alert-schema.ts';
import { TestContainers } from './support/engine.ts';
import { ensureWatchImage, WATCH_IMAGE } from './support/watch-image.ts';

const BIN = join(import.meta.dirname, '../src/cli/bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'moat-watch-cli-'));
const containers = new TestContainers('watchcli');
after(async () => {
  await containers.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcessWithoutNullStreams; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  return { child, stderr: () => stderr, exited };
}

async function until<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('alerts to a file and a webhook; SIGINT flushes the webhook queue (the receiver comes back after the signal); metrics parse', async () => {
  await ensureWatchImage();
  const received: Alert[] = [];
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as Alert);
      res.writeHead(204).end();
    });
  };
  // Reserve a port, then stop listening: the webhook is down from the start.
  let server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));

  const file = join(dir, 'alerts.jsonl');
  const w = start(['--output', file, '--webhook', `http://127.0.0.1:${port}/hook`, '--metrics', '127.0.0.1:0', '--min-severity', 'medium', '--checks', 'container-host-pid,container-memory-limit']);
  const metricsUrl = await until('the metrics address', () => /metrics at (http:\S+)/.exec(w.stderr())?.[1]);
  await until('the watch to start', () => (/watching /.test(w.stderr()) ? true : undefined));
  const c = await containers.make('risky', ['--network', 'none', '--pid', 'host'], { image: WATCH_IMAGE });
  const lines = await until('two alerts in the file', () => {
    const text = readFileSync(file, 'utf8');
    const ls = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert).filter((a) => a.container?.name === c);
    return ls.length >= 2 ? ls : undefined;
  });
  assert.deepEqual(lines.map((a) => a.finding?.ruleId).sort(), ['container-host-pid', 'container-memory-limit']);
  for (const a of lines) assert.ok(validateAlert(a), JSON.stringify(validateAlert.errors));
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const metrics = await (await fetch(metricsUrl)).text();
  assert.match(metrics, /^moat_watch_alerts_total\{kind="finding",severity="high"\} [1-9]/m);
  assert.match(metrics, /^moat_watch_sink_queued\{sink="webhook http:\/\/127\.0\.0\.1:\d+\/hook"\} [1-9]/m);

  w.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const code = await w.exited;
  server.close();
  assert.equal(code, 0, w.stderr());
  const fileAlerts = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert);
  assert.deepEqual(received, fileAlerts, 'the webhook got every alert, in order, before moat exited');
  assert.match(w.stderr(), /ECONNREFUSED/);
});

test('bad input: one line and exit 2; an engine that is not there: one line and exit 3', async () => {
  const bad = start(['--metrics', 'every:where']);
  assert.equal(await bad.exited, 2);
  assert.equal(bad.stderr().trim(), 'moat: --metrics "every:where" is not an address: use PORT (on 127.0.0.1), or HOST:PORT');
  const hook = start(['--webhook', 'ftp://x/y']);
  assert.equal(await hook.exited, 2);
  assert.match(hook.stderr(), /^moat: --webhook must be an http:\/\/ or https:\/\/ URL/);
  writeFileSync(join(dir, 'moat.yaml'), 'watch:\n  restartLoop:\n    restarts: many\n');
  const cfg = start([]);
  assert.equal(await cfg.exited, 2);
  assert.match(cfg.stderr(), /moat\.yaml:3:\d+: watch\.restartLoop\.restarts: restartLoop\.restarts must be a whole number/);
  rmSync(join(dir, 'moat.yaml'));
  const gone = start(['-H', `unix://${join(dir, 'no.sock')}`]);
  assert.equal(await gone.exited, 3);
  assert.equal(gone.stderr().trim().split('\n').length, 1, gone.stderr());
  assert.match(gone.stderr(), /^moat: no Docker engine socket at .*no\.sock: is dockerd running\?/);
});
