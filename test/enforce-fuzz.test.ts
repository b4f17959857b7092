/**
 * 10,000 random and malformed AuthZ requests against the real plugin server (default policy,
 * every container rule): each is answered within the server's bound with a well-formed
 * verdict, nothing crashes, and no request Moat could not read is ever allowed. Seeded, so a
 * failure replays (MOAT_FUZZ_SEED).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { startPluginServer } from '../src/features/enforce/server.ts';
import { containerFromCreateRequest } from '../src/doors/authz-request/create-request.ts';
import { rng } from '../src/knowledge/vuln/test-support/rng.ts';

const COUNT = 10_000;
const TIMEOUT_MS = 1000;
/** The client's own queueing on two shared cores: the server's bound is TIMEOUT_MS. */
const SLACK_MS = 1500;
const seed = Number(process.env.MOAT_FUZZ_SEED ?? 20261201);

const rand = rng(seed);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const PATHS = [
  '/v1.41/containers/create', '/containers/create', '/v1.23/containers/create', '/v1.41/containers%2Fcreate', '/v1.41/CONTAINERS/create',
  '/v1.41/containers/abc/exec', '/v1.41/containers/abc/update', '/v1.23/containers/abc/start', '/v1.41/containers/abc/start',
  '/v1.41/build?networkmode=host', '/v1.41/build?t=x', '/v1.41/plugins/pull?remote=x', '/v1.41/plugins/x/set', '/v1.41/volumes/create',
  '/v1.41/networks/create', '/v1.41/networks/host/connect', '/v1.41/plugins/create', '/v1.41/grpc', '/v1.41/containers/json', '/_ping',
  '/v1.41/containers/%ZZ/create', '/v1.41/../../containers/create', `/v1.41/${'a/'.repeat(2000)}create`, '', 'no-slash', 'http://h/v1.41/containers/create',
];
const KEYS = ['Image', 'image', 'HostConfig', 'hostconfig', 'Privileged', 'PRIVILEGED', 'CapAdd', 'Binds', 'Mounts', 'NetworkMode', 'PidMode', 'User', 'Env', 'Labels', 'Memory', 'PidsLimit', 'SecurityOpt', 'Volumes', 'Cmd', 'Driver', 'DriverOpts', 'Name', 'Value', 'bindſ'];
const VALUES: unknown[] = [true, false, null, 0, -1, Number.MAX_VALUE, 2 ** 63, 1.5, '', 'host', '/var/run/docker.sock:/s', 'cap_sys_admin', ['SYS_ADMIN'], [{ Type: 'bind', Source: '/', Target: '/h' }], {}, [], 'x'.repeat(3000), '\u0000', '\ud800'];

function randomValue(depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.5) return pick(VALUES);
  if (r < 0.75) return Array.from({ length: int(4) }, () => randomValue(depth + 1));
  return randomObject(depth + 1);
}

function randomObject(depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = int(6); i > 0; i--) o[pick(KEYS)] = randomValue(depth);
  return o;
}

/** A JSON text that may be broken: truncated, byte-flipped, deeply nested, duplicated keys, trailing junk. */
function randomBody(): string {
  const base = JSON.stringify(rand() < 0.6 ? { Image: 'x', HostConfig: randomObject(1), ...randomObject(1) } : randomValue(0));
  switch (int(9)) {
    case 0:
      return base.slice(0, int(base.length + 1));
    case 1: {
      const i = int(base.length);
      return base.slice(0, i) + String.fromCharCode(int(256)) + base.slice(i + 1);
    }
    case 2:
      return '['.repeat(int(20000)) + ']'.repeat(int(20000));
    case 3:
      return base.replace(/^\{/, '{"HostConfig":{"Privileged":true},"hostconfig":{"privileged":false},');
    case 4:
      return `${base} ${base}`;
    case 5:
      return `${base}/* c */`;
    default:
      return base;
  }
}

function randomEnvelope(): { text: string; malformed: boolean; body?: string; uri?: string; method?: string } {
  const kind = int(20);
  if (kind === 0) return { text: 'x'.repeat(int(100)), malformed: true };
  if (kind === 1) return { text: JSON.stringify(randomValue(0)), malformed: true };
  if (kind === 2) return { text: JSON.stringify({ RequestMethod: 'POST', RequestUri: '/containers/create', RequestBody: 'not*base64' }), malformed: true };
  if (kind === 3) return { text: JSON.stringify({ RequestMethod: pick([1, null, '', 'POST']), RequestUri: pick([2, null, '']) }), malformed: true };
  const method = pick(['POST', 'POST', 'POST', 'GET', 'DELETE', 'post', 'PUT']);
  const uri = pick(PATHS);
  const body = rand() < 0.85 ? randomBody() : undefined;
  const headers = pick<Record<string, string>>([{ 'Content-Type': 'application/json' }, { 'Content-Type': 'application/json', 'Content-Length': String(body?.length ?? 0) }, {}, { 'Content-Length': '0' }]);
  const env: Record<string, unknown> = { RequestMethod: method, RequestUri: uri, RequestHeaders: headers, User: pick(['', 'alice', '\u0000']) };
  if (body !== undefined) env.RequestBody = Buffer.from(body).toString('base64');
  const text = JSON.stringify(env);
  // A tenth of the valid envelopes are cut short on the wire.
  if (int(10) === 0) return { text: text.slice(0, int(text.length)), malformed: true };
  return { text, malformed: false, body, uri, method };
}

test(`the plugin answers ${COUNT} random and malformed requests within its bound (seed ${seed})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-fuzz-'));
  const socketPath = join(dir, 'p.sock');
  const server = await startPluginServer({ socketPath, enforcer: new Enforcer(), timeoutMs: TIMEOUT_MS });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  let worst = 0;
  let allowed = 0;
  const failures: string[] = [];
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < COUNT) {
        const n = next++;
        const env = randomEnvelope();
        const t0 = performance.now();
        const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = request({ agent, socketPath, method: 'POST', path: '/AuthZPlugin.AuthZReq', headers: { 'Content-Type': 'application/json' }, timeout: TIMEOUT_MS + SLACK_MS }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
          });
          req.on('timeout', () => req.destroy(new Error(`request ${n}: no answer within ${TIMEOUT_MS + SLACK_MS} ms`)));
          req.on('error', reject);
          req.end(env.text);
        });
        const ms = performance.now() - t0;
        worst = Math.max(worst, ms);
        if (status !== 200) failures.push(`#${n}: status ${status}`);
        const verdict = JSON.parse(text) as { Allow?: unknown; Msg?: unknown };
        if (typeof verdict.Allow !== 'boolean') failures.push(`#${n}: no Allow in ${text.slice(0, 200)}`);
        if (verdict.Allow === false && typeof verdict.Msg !== 'string') failures.push(`#${n}: a denial without a message`);
        if (verdict.Allow === true) {
          allowed++;
          if (env.malformed) failures.push(`#${n}: a malformed envelope was allowed: ${env.text.slice(0, 200)}`);
          // A create let through must be one Moat reads whole (the same door, outside the server).
          if (env.method?.toUpperCase() === 'POST' && /^\/(v[\d.]+\/)?containers(\/|%2F)create$/i.test(env.uri ?? '')) {
            try {
              containerFromCreateRequest(env.body ?? '');
            } catch (e) {
              failures.push(`#${n}: an unreadable create was allowed (${(e as Error).message})`);
            }
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    agent.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(failures.slice(0, 10), []);
  assert.ok(worst <= TIMEOUT_MS + SLACK_MS, `slowest answer ${worst.toFixed(1)} ms`);
  assert.equal(server.stats.requests, COUNT);
  assert.ok(allowed > 100 && allowed < COUNT - 1000, `a mix of verdicts (${allowed} allowed)`);
  console.log(`fuzz: ${COUNT} requests, ${allowed} allowed, ${server.stats.denied} denied, ${server.stats.timeouts} timed out, slowest ${worst.toFixed(1)} ms`);
});
