/**
 * `moat verify` speed against a local registry (distribution 2.8 on 127.0.0.1), images
 * signed in cosign's format with an ECDSA P-256 key: cold verification (a fresh verifier:
 * new connection, API ping, the .sig manifest, the payload blob, the referrers lookup and its
 * fallback tag, the signature check), the same with connections kept (cache off), and warm
 * verification (the verdict cached, as the enforce plugin answers repeat creates). p50 and
 * p95 over every run. Targets (issue 16): warm p50 ≤ 1 ms, cold p50 ≤ 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublicKeyFile } from '../src/doors/signatures/keys.ts';
import type { Signer } from '../src/doors/signatures/policy.ts';
import { SignatureVerifier, type ResolvedImage } from '../src/features/verify/verifier.ts';
import { parseImageReference } from '../src/doors/registry/reference.ts';
import { cosignSignImage, makeKey } from '../test/support/cosign.ts';
import { startRegistry } from '../test/support/registry.ts';
import { uploadImage } from '../test/support/registry-images.ts';

const IMAGES = 20;
const COLD_ROUNDS = 3;
const WARM = 5000;

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

export async function benchVerify(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-verify-'));
  const reg = await startRegistry();
  try {
    const key = makeKey(dir, 'ecdsa');
    const signers: Signer[] = [{ kind: 'key', key: loadPublicKeyFile(key.publicFile) }];
    const images: ResolvedImage[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const repo = `bench/signed-${i}`;
      const up = await uploadImage(reg, repo, { platform: { os: 'linux', architecture: 'amd64' }, tag: '1', files: { [`etc/${i}`]: `${i}\n` } });
      await cosignSignImage(reg, repo, up.manifest.digest, key);
      images.push({ reference: parseImageReference(`${reg.host}/${repo}@${up.manifest.digest}`), digest: up.manifest.digest });
    }
    const cold: number[] = [];
    const kept: number[] = [];
    const shared = new SignatureVerifier({ ttlMs: 0 });
    for (let round = 0; round < COLD_ROUNDS; round++) {
      for (const img of images) {
        const v = new SignatureVerifier({ ttlMs: 0 });
        const t0 = performance.now();
        const r = await v.verify(img, { signers });
        cold.push(performance.now() - t0);
        v.close();
        if (!r.verified) throw new Error(`bench image not verified: ${r.reason}`);
        const t1 = performance.now();
        await shared.verify(img, { signers });
        kept.push(performance.now() - t1);
      }
    }
    shared.close();
    const cached = new SignatureVerifier({ ttlMs: 60_000 });
    for (const img of images) await cached.verify(img, { signers });
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) {
      const t0 = performance.now();
      await cached.verify(images[i % images.length]!, { signers });
      warm.push(performance.now() - t0);
    }
    cached.close();
    const f = (x: number): string => (x < 1 ? x.toFixed(4) : x.toFixed(1));
    console.log(`verify: ${IMAGES} signed images, ECDSA P-256, local registry`);
    console.log('| figure | target | p50 | p95 | runs |');
    console.log('|---|---|---|---|---|');
    console.log(`| warm verification (cached), ms | ≤ 1 | ${f(pct(warm, 0.5))} | ${f(pct(warm, 0.95))} | ${warm.length} |`);
    console.log(`| cold verification (fresh verifier, new connection), ms | ≤ 50 | ${f(pct(cold, 0.5))} | ${f(pct(cold, 0.95))} | ${cold.length} |`);
    console.log(`| uncached verification on kept connections, ms | - | ${f(pct(kept, 0.5))} | ${f(pct(kept, 0.95))} | ${kept.length} |`);
  } finally {
    await reg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
