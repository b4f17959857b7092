/**
 * `moat scan rootfs:DIR`: a root file system has files but no image configuration, so the
 * rules that judge files alone run on it (and say so), and the configuration rules do not
 * pretend to: no "runs as root" from a missing USER that was never there to read.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runMoat } from '../support/moat-cli.ts';
import { tempDir } from '../../src/knowledge/vuln/test-support/temp.ts';

// Built from parts so no scanner mistakes this file for a leak; the value is not a real key.
const SECRET = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzzzzFAKEKEY'].join('/');

test('file rules run on a root file system, configuration rules are named as not run, secrets are masked', async () => {
  const work = tempDir('scan-rootfs');
  const root = join(work, 'root');
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'root/.aws'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  copyFileSync('/bin/true', join(root, 'usr/bin/su'));
  chmodSync(join(root, 'usr/bin/su'), 0o4755);
  writeFileSync(join(root, 'usr/bin/tool'), '#!/bin/sh\n');
  chmodSync(join(root, 'usr/bin/tool'), 0o777);
  writeFileSync(join(root, 'root/.aws/credentials'), `[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH\naws_secret_access_key = ${SECRET}\n`);

  const r = await runMoat(['scan', `rootfs:${root}`, '--no-vulns', '--format', 'json', '--fail-on', 'none'], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string; evidence?: string }>; checks: Array<{ ruleId: string }>; warnings?: Array<{ message: string }> };
  const ids = new Set(report.findings.map((f) => f.ruleId));
  for (const id of ['image-setuid', 'image-world-writable', 'image-secret-files']) assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`);
  assert.ok(report.findings.find((f) => f.ruleId === 'image-setuid')?.message.includes('/usr/bin/su'));
  assert.ok(!ids.has('image-user') && !ids.has('image-healthcheck'), 'configuration rules did not run');
  assert.ok(!report.checks.some((c) => c.ruleId === 'image-user'), 'and are not reported as passed either');
  const warning = report.warnings?.find((w) => /root file system/.test(w.message))?.message ?? '';
  assert.match(warning, /not run: .*image-user/);
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), 'the secret is masked');
});
