/**
 * Removing Moat's copies on the real engine: a removal says whether it removed the
 * container, so that of two runs cleaning up the same abandoned copy only one reports it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestImages, IMAGES, TestContainers } from '../../../test/support/engine.ts';
import { EngineClient } from './client.ts';
import { removeContainer } from './runs.ts';

const containers = new TestContainers('runs');
after(() => containers.cleanup());

test('a removal is true once; a container already gone is false, not an error', async () => {
  await ensureTestImages();
  const client = await EngineClient.connect();
  const name = await containers.make('once', ['--network', 'none'], { image: IMAGES.plain, start: false });
  assert.equal(await removeContainer(client, name), true);
  assert.equal(await removeContainer(client, name), false);
});

test('removals of one container at once: exactly one of them removed it, none fails', async () => {
  await ensureTestImages();
  const client = await EngineClient.connect();
  for (let round = 0; round < 5; round++) {
    const name = await containers.make(`race-${round}`, ['--network', 'none'], { image: IMAGES.plain });
    const results = await Promise.all(Array.from({ length: 4 }, () => removeContainer(client, name)));
    assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
  }
});
