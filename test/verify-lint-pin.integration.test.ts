/**
 * `moat lint` with trust.signatures requireDigest: FROM by tag is flagged without any
 * registry access, and `--fix` pins it to the digest the real local registry serves for
 * the tag, keeping the tag in a comment line; the fixed file lints clean.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMoat } from './support/moat-cli.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { uploadImage } from './support/registry-images.ts';

let reg: TestRegistry;
let dir: string;
let digest: string;

before(async () => {
  reg = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'moat-verify-lint-'));
  digest = (await uploadImage(reg, 'team/base', { platform: { os: 'linux', architecture: 'amd64' }, tag: '1.2' })).manifest.digest;
  writeFileSync(join(dir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['${reg.host}/team/*']\n      requireDigest: true\n`);
});
after(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('FROM by tag is flagged where policy requires digests; --fix pins it to the registry digest and keeps the tag in a comment', async () => {
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, `FROM ${reg.host}/team/base:1.2 AS build\nRUN true\nFROM debian:12\nCOPY --from=build /etc /etc\n`);
  const lint = await runMoat(['lint', 'Dockerfile', '--format', 'json', '--checks', 'dockerfile-base-digest-required', '--fail-on', 'none'], { cwd: dir });
  assert.equal(lint.code, 0, lint.stderr);
  const found = (JSON.parse(lint.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.filter((f) => f.ruleId === 'dockerfile-base-digest-required');
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /FROM 127\.0\.0\.1:\d+\/team\/base:1\.2 is pinned by tag, but \/.*\/moat\.yaml:3 requires a digest/);

  const dry = await runMoat(['lint', 'Dockerfile', '--fix', '--dry-run', '--checks', 'dockerfile-base-digest-required'], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`\\+FROM ${reg.host.replace(/\./g, '\\.')}/team/base@${digest} AS build`));
  assert.match(readFileSync(file, 'utf8'), /base:1\.2 AS build/, '--dry-run writes nothing');

  const fix = await runMoat(['lint', 'Dockerfile', '--fix', '--checks', 'dockerfile-base-digest-required', '--fail-on', 'high'], { cwd: dir });
  assert.equal(fix.code, 0, fix.stdout + fix.stderr);
  assert.match(fix.stderr, /pinned 1 FROM to registry digests/);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.match(lines[0]!, new RegExp(`^# ${reg.host.replace(/\./g, '\\.')}/team/base:1\\.2 \\(pinned to its registry digest by moat lint --fix, \\d{4}-\\d\\d-\\d\\d\\)$`));
  assert.equal(lines[1], `FROM ${reg.host}/team/base@${digest} AS build`);
  assert.equal(lines[3], 'FROM debian:12', 'an image the policy does not cover is left alone');
});
