/**
 * The network edge against real parts: a TLS registry whose CA comes from a certs.d
 * folder (and one that demands client certificates), and a flaky proxy in front of a
 * real registry for retries, timeouts and connections cut mid-blob.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openRegistryImage, type OpenRegistryImageOptions } from './image.ts';
import { rejectsWith } from './test-support/expect.ts';
import { freePort, selfSignedCert, startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import { startFaultProxy, type Fault } from '../../../test/support/fault-proxy.ts';
import { uploadImage } from '../../../test/support/registry-images.ts';

const work = mkdtempSync(join(tmpdir(), 'moat-transport-test-'));
let plain: TestRegistry;
let tlsReg: TestRegistry;
let mtlsReg: TestRegistry;
let ca: { cert: string; key: string };
let configDigest = '';
let layerDigest = '';
const FAST = { retry: { baseDelayMs: 10, maxDelayMs: 50 } };


const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });
async function pull(ref: string, options: OpenRegistryImageOptions = {}): Promise<void> {
  const img = await openRegistryImage(ref, options);
  try {
    for (const l of img.layers) await pipeline((await l.open()) as Readable, sink());
  } finally {
    img.close();
  }
}

function certsDirWith(host: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'certs.d-'));
  mkdirSync(join(dir, host));
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, host, name));
  return dir;
}

before(async () => {
  ca = await selfSignedCert(work, 'moat-test-ca');
  const server = await selfSignedCert(work, 'registry', { ip: '127.0.0.1', ca });
  plain = await startRegistry();
  tlsReg = await startRegistry({ tls: server });
  mtlsReg = await startRegistry({ tls: { ...server, clientCa: ca.cert } });
  const up = await uploadImage(plain, 'moat/app', { platform: { os: 'linux', architecture: 'amd64' }, tag: '1', files: { 'etc/big': 'z'.repeat(300_000) }, compression: 'none' });
  configDigest = up.config.digest;
  layerDigest = up.layers[0]!.digest;
});

after(async () => {
  await plain?.stop();
  await tlsReg?.stop();
  await mtlsReg?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('TLS: a loopback registry is verified against certs.d/<host>/ca.crt; without it the error says where to put it and http is not tried', async () => {
  const ref = `${tlsReg.host}/moat/none:1`;
  // The registry is empty: reaching "no repository" proves the TLS session was verified and used.
  await assert.rejects(pull(ref, { certsDir: certsDirWith(tlsReg.host, { 'ca.crt': ca.cert }) }), rejectsWith('name-unknown', /has no repository moat\/none/));
  await assert.rejects(pull(ref, { certsDir: join(work, 'empty-certs.d') }), rejectsWith('tls', /TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*certs\.d\/127\.0\.0\.1:\d+\/ca\.crt, or list 127\.0\.0\.1:\d+ as an insecure registry$/));
  const wrongCa = await selfSignedCert(work, 'other-ca');
  await assert.rejects(pull(ref, { certsDir: certsDirWith(tlsReg.host, { 'ca.crt': wrongCa.cert }) }), rejectsWith('tls', /not trusted .*\(the CA in .*ca\.crt did not sign it\)/));
  // Listed as insecure: TLS without verification, as dockerd's insecure-registries does.
  await assert.rejects(pull(ref, { certsDir: join(work, 'empty-certs.d'), insecure: [tlsReg.host] }), rejectsWith('name-unknown', /has no repository/));
});

test('TLS client certificates from certs.d (*.cert + *.key) are presented when the registry demands them', async () => {
  const client = await selfSignedCert(work, 'client', { ca });
  const ref = `${mtlsReg.host}/moat/none:1`;
  await assert.rejects(pull(ref, { certsDir: certsDirWith(mtlsReg.host, { 'ca.crt': ca.cert, 'client.cert': client.cert, 'client.key': client.key }) }), rejectsWith('name-unknown', /has no repository/));
  await assert.rejects(pull(ref, { certsDir: certsDirWith(mtlsReg.host, { 'ca.crt': ca.cert }) }), rejectsWith('tls', /refused the TLS handshake over the client certificate \(bad certificate\): .*client\.cert and client\.key in \/etc\/docker\/certs\.d\/127\.0\.0\.1:\d+\/$/));
  await assert.rejects(pull(ref, { certsDir: certsDirWith(mtlsReg.host, { 'ca.crt': ca.cert, 'client.cert': client.cert }) }), rejectsWith('options', /client\.cert has no matching client\.key/));
});

test('retries: 503 and 429 (with Retry-After) are retried with backoff, then succeed', async () => {
  let failures = 0;
  const proxy = await startFaultProxy(plain.port, (req): Fault => {
    if (req.url?.includes('/manifests/') && failures < 3) {
      failures++;
      return failures === 2 ? { kind: 'status', status: 429, headers: { 'Retry-After': '0' } } : { kind: 'status', status: 503 };
    }
    return { kind: 'pass' };
  });
  try {
    await pull(`${proxy.host}/moat/app:1`, FAST);
    assert.equal(failures, 3);
    assert.equal(proxy.seen.filter((l) => l.includes('/manifests/1')).length, 4);
  } finally {
    await proxy.close();
  }
});

test('retries are bounded: a registry that keeps failing gives a clear error after retries+1 attempts', async () => {
  const proxy = await startFaultProxy(plain.port, (req): Fault => (req.url?.includes('/manifests/') ? { kind: 'status', status: 503 } : { kind: 'pass' }));
  try {
    const t0 = performance.now();
    await assert.rejects(pull(`${proxy.host}/moat/app:1`, { retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 } }), rejectsWith('http', /answered the manifest :1 with HTTP 503 \(UNAVAILABLE: injected\) after 2 retries$/));
    assert.equal(proxy.seen.filter((l) => l.includes('/manifests/')).length, 3);
    assert.ok(performance.now() - t0 < 2000);
  } finally {
    await proxy.close();
  }
});

test('timeouts: a registry that never answers, and a blob that stalls mid-way, fail within the timeout', async () => {
  const silent = await startFaultProxy(plain.port, (req): Fault => (req.url === '/v2/' ? { kind: 'silent' } : { kind: 'pass' }));
  const stalling = await startFaultProxy(plain.port, (req): Fault => (req.url?.includes('/blobs/') && !req.url.includes(configDigest) ? { kind: 'partial', bytes: 1000, cut: false } : { kind: 'pass' }));
  try {
    const t0 = performance.now();
    await assert.rejects(pull(`${silent.host}/moat/app:1`, { timeoutMs: 300, retry: { retries: 0 } }), rejectsWith('timeout', /went silent for 300 ms before answering the API version check/));
    assert.ok(performance.now() - t0 < 2000, 'bounded by the timeout');
    const img = await openRegistryImage(`${stalling.host}/moat/app:1`, { timeoutMs: 300, ...FAST });
    try {
      await assert.rejects(pipeline(await img.layers[0]!.open(), sink()), rejectsWith('timeout', /went silent for 300 ms while sending layer 0/));
    } finally {
      img.close();
    }
  } finally {
    await silent.close();
    await stalling.close();
  }
});
test('a connection cut mid-blob is an error naming how far it got; nothing partial ends cleanly', async () => {
  const proxy = await startFaultProxy(plain.port, (req): Fault => (req.url?.endsWith(layerDigest) ? { kind: 'partial', bytes: 5000, cut: true } : { kind: 'pass' }));
  try {
    const img = await openRegistryImage(`${proxy.host}/moat/app:1`, FAST);
    try {
      await assert.rejects(pipeline(await img.layers[0]!.open(), sink()), rejectsWith('unreachable', /the connection to 127\.0\.0\.1:\d+ broke after \d+ bytes of layer 0 .*nothing partial is used$/));
    } finally {
      img.close();
    }
  } finally {
    await proxy.close();
  }
});

test('unreachable hosts, non-registries and cancellation are one-line errors', async () => {
  const port = await freePort();
  const t0 = performance.now();
  await assert.rejects(pull(`127.0.0.1:${port}/a:1`, FAST), rejectsWith('unreachable', /cannot connect to 127\.0\.0\.1:\d+ \(connection refused\) .*is the registry running/));
  assert.ok(performance.now() - t0 < 2000, 'refused connections are not retried for long');

  const web: Server = createServer((_req, res) => void res.writeHead(404).end('not here'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const p = (web.address() as { port: number }).port;
    await assert.rejects(pull(`127.0.0.1:${p}/a:1`), rejectsWith('protocol', /answered GET \/v2\/ with HTTP 404: it is not a Docker registry/));
  } finally {
    web.close();
  }

  const controller = new AbortController();
  const slow = await startFaultProxy(plain.port, (): Fault => ({ kind: 'silent' }));
  try {
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pull(`${slow.host}/moat/app:1`, { signal: controller.signal }), rejectsWith('aborted', /was cancelled/));
  } finally {
    await slow.close();
  }
});

test('bad options are usage errors before any connection', async () => {
  await assert.rejects(openRegistryImage(`${plain.host}/moat/app:1`, { insecure: ['http://host:5000'] }), rejectsWith('options', /without a scheme/));
  await assert.rejects(openRegistryImage(`${plain.host}/moat/app:1`, { insecure: ['10.0.0.0/99'] }), rejectsWith('options', /not a valid CIDR/));
  await assert.rejects(openRegistryImage(`${plain.host}/moat/app:1`, { timeoutMs: 0 }), rejectsWith('options', /timeoutMs must be a positive/));
  await assert.rejects(openRegistryImage(`${plain.host}/moat/app:1`, { retry: { retries: 99 } }), rejectsWith('options', /retry\.retries must be an integer from 0 to 10/));
});
