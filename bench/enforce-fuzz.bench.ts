/**
 * `npm run bench -- enforce-fuzz`: the differential fuzz of issue 11 at full size (10,000 create
 * bodies; MOAT_DIFF_COUNT to change it) against a private dockerd without the plugin: how many
 * the daemon accepted, how many Moat denied, the disagreements between the request's verdict and
 * the inspect's, and the time. The test suite runs a seeded 1,000 of the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCreateDifferential } from '../test/support/create-differential.ts';
import { ensureTestImages, IMAGES } from '../test/support/engine.ts';
import { loadImage, startSecondDaemon } from '../test/support/second-daemon.ts';

export async function benchEnforceFuzz(): Promise<void> {
  await ensureTestImages();
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-diff-'));
  const daemon = await startSecondDaemon({ plugins: [] });
  try {
    await loadImage(daemon, IMAGES.plain);
    const count = Number(process.env.MOAT_DIFF_COUNT ?? 10_000);
    const r = await runCreateDifferential({ socket: daemon.socket, dir, daemonDir: daemon.dir, image: IMAGES.plain, count, seed: Number(process.env.MOAT_DIFF_SEED ?? 20261206) });
    console.log(`enforce-fuzz: ${r.sent} bodies, ${r.accepted} accepted by dockerd, ${r.denied} denied by Moat, ${r.disagreements.length} disagreements, ${r.timeouts.length} unanswered creates, ${(r.ms / 1000).toFixed(1)} s (${(r.ms / r.sent).toFixed(1)} ms per body)`);
    for (const d of r.disagreements.slice(0, 10)) console.log(`  request ${JSON.stringify(d.request)} inspect ${JSON.stringify(d.inspect)}: ${d.body}`);
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
