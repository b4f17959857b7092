/**
 * Signature status where images are judged: `moat scan` (a registry image) and `moat audit`
 * (the images of running containers) report image-signed-artifacts from moat.yaml's
 * trust.signatures: nothing for an image a trusted key signed, a high finding naming the
 * reason for one it did not, and, without a signer policy, the old "not checked" review.
 * The images are pushed to a real registry by the docker CLI and signed in cosign's format.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosignSignImage, makeKey, type TestKey } from './support/cosign.ts';
import { docker, ensureTestImages, IMAGES, TestContainers } from './support/engine.ts';
import { runMoat } from './support/moat-cli.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { dockerPush } from './support/registry-images.ts';

let reg: TestRegistry;
let dir: string;
let key: TestKey;
const containers = new TestContainers('verify-sa');
const pushed: string[] = [];
let signed = '';
let unsigned = '';


before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-verify-sa-'));
  key = makeKey(dir, 'ecdsa', 'team');
  reg = await startRegistry();
  signed = `${reg.host}/moat/sa-signed-${process.pid}:1`;
  unsigned = `${reg.host}/moat/sa-unsigned-${process.pid}:1`;
  const digest = await dockerPush(IMAGES.hardened, signed, undefined, pushed);
  await cosignSignImage(reg, `moat/sa-signed-${process.pid}`, digest, key);
  await dockerPush(IMAGES.plain, unsigned, undefined, pushed);
  writeFileSync(join(dir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['${reg.host}/moat/*']\n      keys: [team.pub]\n`);
});
after(async () => {
  await containers.cleanup();
  for (const ref of pushed.reverse()) await docker('rmi', '--no-prune', ref).catch(() => undefined);
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
}
const signatureFindings = (stdout: string): Finding[] => (JSON.parse(stdout) as { findings: Finding[] }).findings.filter((f) => f.ruleId === 'image-signed-artifacts');

test('scan: a signed registry image has no signature finding; an unsigned one is high with the reason; no policy keeps the review', async () => {
  const ok = await runMoat(['scan', `registry:${signed}`, '--no-vulns', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(signatureFindings(ok.stdout), []);

  const bad = await runMoat(['scan', `registry:${unsigned}`, '--no-vulns', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(bad.code, 0, bad.stderr);
  const [f, ...more] = signatureFindings(bad.stdout);
  assert.equal(more.length, 0);
  assert.equal(f!.severity, 'high');
  assert.match(f!.message, /no trusted signature: no signature: 127\.0\.0\.1:\d+\/moat\/sa-unsigned-\d+ has no cosign signature tag/);

  // Outside `dir`: moat.yaml is found in the working directory or above.
  const plainDir = mkdtempSync(join(tmpdir(), 'moat-verify-nopolicy-'));
  const none = await runMoat(['scan', `registry:${signed}`, '--no-vulns', '--format', 'json', '--fail-on', 'none'], { cwd: plainDir });
  rmSync(plainDir, { recursive: true, force: true });
  assert.equal(none.code, 0, none.stderr);
  const [review] = signatureFindings(none.stdout);
  assert.equal(review!.severity, 'info');
  assert.match(review!.message, /signature and content trust not checked/);
});

test('audit: the running container of an unsigned image is reported, the signed one is not', async () => {
  const a = await containers.make('signed', [], { image: signed });
  const b = await containers.make('unsigned', [], { image: unsigned });
  const r = await runMoat(['audit', '--container', a, '--container', b, '--checks', 'image-signed-artifacts', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const found = signatureFindings(r.stdout);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.severity, 'high');
  assert.match(found[0]!.message, /sa-unsigned-\d+:1: no trusted signature: no signature/);
});
