/**
 * Issue 11, "Must hold": seeded create bodies sent to a real dockerd without the plugin; for
 * every one it accepts, the enforcer's verdict on the request equals the verdict on the
 * daemon's inspect of what it created, under the same rules and policy (test/support/
 * create-differential.ts). 1,000 here; `npm run bench -- enforce-fuzz` runs 10,000.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestImages, IMAGES } from './support/engine.ts';
import { runCreateDifferential } from './support/create-differential.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';

const COUNT = Number(process.env.MOAT_DIFF_COUNT ?? 1000);
const SEED = Number(process.env.MOAT_DIFF_SEED ?? 20261206);
/** No USER in the image: the request does not name the image's user, so both sides assume root. */
const IMAGE = IMAGES.plain;

let dir: string;
let daemon: SecondDaemon;

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-diff-'));
  daemon = await startSecondDaemon({ plugins: [] });
  await loadImage(daemon, IMAGE);
});

after(async () => {
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`${COUNT} generated create bodies: the request and the daemon's inspect get the same verdict`, async () => {
  const r = await runCreateDifferential({ socket: daemon.socket, dir, daemonDir: daemon.dir, image: IMAGE, count: COUNT, seed: SEED });
  console.log(`differential: ${r.sent} bodies, ${r.accepted} accepted by dockerd, ${r.denied} denied by Moat, ${r.disagreements.length} disagreements, ${(r.ms / 1000).toFixed(1)} s`);
  // The generator must reach both verdicts on what the daemon accepts, or the comparison proves nothing.
  assert.ok(r.accepted > COUNT / 4, `dockerd accepted only ${r.accepted} of ${r.sent}`);
  assert.ok(r.denied > COUNT / 10 && r.denied < r.sent, `Moat denied ${r.denied} of ${r.sent}`);
  assert.deepEqual(r.timeouts, [], 'dockerd answered every create');
  assert.deepEqual(r.disagreements.slice(0, 5), [], `${r.disagreements.length} disagreements (first 5 shown)`);
  assert.equal(await daemon.docker('ps', '-aq'), '', 'every created container was removed');
});
