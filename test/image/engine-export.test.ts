/**
 * An engine export asked for ahead of its read (`moat sbom IMAGE` and `moat scan IMAGE` ask
 * before loading their analysers, while dockerd prepares the archive): taken once, by the
 * read of the same reference only, and dropped without a connection left open when no read
 * takes it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Endpoint } from '../../src/doors/engine/endpoint.ts';
import { ensureTestImages, IMAGES } from '../support/engine.ts';
import { startEngineExport } from '../../src/doors/image/sources/engine-export.ts';
import { scanImage } from '../../src/doors/image/scan.ts';
import { EngineError } from '../../src/doors/engine/errors.ts';
import { MoatError } from '../../src/util/errors.ts';

before(ensureTestImages);

/** Unix-socket handles this process holds: the engine connections. */
const pipes = (): number => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;

/** Waits (at most a second) until no more than `most` engine connections are open. */
async function settle(most: number): Promise<boolean> {
  for (let i = 0; i < 100 && pipes() > most; i++) await sleep(10);
  return pipes() <= most;
}

test('the read of the same reference takes the export, once, and reads what a read of its own reads', async () => {
  const started = startEngineExport(IMAGES.plain, {}, new AbortController().signal);
  const ahead = await scanImage(IMAGES.plain, { engine: { started } });
  assert.equal(started.take(), undefined, 'the read took it');
  started.cancel(); // after the take, nothing to drop
  const own = await scanImage(IMAGES.plain);
  assert.equal(ahead.image?.id, own.image?.id);
  assert.deepEqual(
    ahead.layers.map((l) => l.diffId),
    own.layers.map((l) => l.diffId),
  );
  assert.ok(ahead.layers.length > 0);
  assert.deepEqual([...ahead.files.walk()].map((f) => f.path), [...own.files.walk()].map((f) => f.path));
});

test('a read of another reference asks on its own, and leaves the export it did not take', async () => {
  const started = startEngineExport(IMAGES.plain, {}, new AbortController().signal);
  const other = await scanImage(IMAGES.hardened, { engine: { started } });
  const plain = await scanImage(IMAGES.plain);
  assert.notEqual(other.image?.id, plain.image?.id, 'the hardened image was read, not the export started for plain');
  const left = started.take();
  assert.ok(left, 'still there for a read of its own reference');
  const { client, res } = await left;
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) bytes += chunk.length;
  client.close();
  assert.ok(bytes > 1024, 'the whole export of plain was there to read');
});

/**
 * A unix-socket relay to the real engine that holds back every export request: as dockerd
 * does while it prepares a large archive, for as long as the test needs. Says when the
 * client closed a held connection.
 */
async function holdingExports(): Promise<{ endpoint: Endpoint; held: () => number; closed: Promise<void>; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-hold-'));
  const socketPath = join(dir, 'engine.sock');
  let held = 0;
  let onClosed!: () => void;
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once('data', (first: Buffer) => {
      if (/^GET \S+\/get /.test(first.toString('latin1'))) {
        held++;
        client.on('close', onClosed);
        return;
      }
      const engine = createConnection('/var/run/docker.sock');
      sockets.add(engine);
      engine.write(first);
      client.pipe(engine).pipe(client);
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
      engine.on('error', () => client.destroy());
    });
    client.on('error', () => undefined);
  });
  server.listen(socketPath);
  await once(server, 'listening');
  return {
    endpoint: { kind: 'unix', socketPath, display: `unix://${socketPath}` },
    held: () => held,
    closed,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('an export no read takes is dropped: cancel closes its connection while the engine still prepares it', async () => {
  const relay = await holdingExports();
  try {
    const started = startEngineExport(IMAGES.plain, { endpoint: relay.endpoint }, new AbortController().signal);
    for (let i = 0; i < 200 && relay.held() === 0; i++) await sleep(5);
    assert.equal(relay.held(), 1, 'the export was asked for');
    started.cancel();
    assert.equal(started.take(), undefined);
    const gone = await Promise.race([relay.closed.then(() => true), sleep(2000).then(() => false)]);
    assert.ok(gone, 'the held connection was closed by the cancel');
  } finally {
    relay.close();
  }
});

test('a failed start reaches the read that takes it, and nobody else', async () => {
  const started = startEngineExport('moat-test/does-not-exist:0', {}, new AbortController().signal);
  await sleep(200); // the engine has answered 404 by now; an unhandled rejection would fail this file
  await assert.rejects(scanImage('moat-test/does-not-exist:0', { engine: { started } }), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && /no image "moat-test\/does-not-exist:0" in the engine/.test(e.message));
});

test("the command's abort reaches an export no read has taken yet", async () => {
  const before = pipes();
  const ac = new AbortController();
  const started = startEngineExport(IMAGES.plain, {}, ac.signal);
  ac.abort(new MoatError('incomplete', 'interrupted (SIGINT): nothing was written'));
  await assert.rejects(started.take() as Promise<unknown>, (e: unknown) => (e instanceof MoatError && /interrupted/.test(e.message)) || e instanceof EngineError || (e as Error).name === 'AbortError');
  assert.ok(await settle(before), 'the abort closed the connections');
});

test('`sent` settles once the export request has reached the engine, long before its answer; and when the start fails', async () => {
  const relay = await holdingExports();
  try {
    const started = startEngineExport(IMAGES.plain, { endpoint: relay.endpoint }, new AbortController().signal);
    const sentFirst = await Promise.race([started.sent.then(() => true), sleep(5000).then(() => false)]);
    assert.ok(sentFirst, 'sent settled while the engine still holds the answer');
    // The relay counts the request when its first bytes arrive: the write the client finished is there by now.
    for (let i = 0; i < 200 && relay.held() === 0; i++) await sleep(5);
    assert.equal(relay.held(), 1, 'the export request had been written when sent settled');
    let answered = false;
    void started.take()?.then(
      () => (answered = true),
      () => undefined,
    );
    await sleep(50);
    assert.equal(answered, false, 'no answer yet: sent did not wait for it');
    started.cancel();
  } finally {
    relay.close();
  }
  const missing = startEngineExport('moat-test/does-not-exist:0', {}, new AbortController().signal);
  const settled = await Promise.race([missing.sent.then(() => true), sleep(5000).then(() => false)]);
  assert.ok(settled, 'a start that fails (no such image) settles sent too, so the command goes on to report it');
  await assert.rejects(missing.take() as Promise<unknown>, (e: unknown) => e instanceof MoatError && e.kind === 'usage');
});
