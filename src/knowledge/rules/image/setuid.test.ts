import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './setuid.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import { fileFacts } from './test-support/file-facts.fixture.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('without the file listing (moat audit) says the check was not made (info), never a silent pass', () => {
  const out = issues(rule, { image: imageSpec(), now });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]?.message ?? '', /not checked: .*run `moat scan registry\.example\/app:1\.2\.3`/);
});

test('lists every setuid/setgid file with mode, owner and layer', () => {
  const files = fileFacts({ setuid: [{ path: 'usr/bin/passwd', mode: 0o4755, uid: 0, gid: 0, layer: { index: 0, diffId: 'sha256:x' } }, { path: 'usr/bin/wall', mode: 0o2755, uid: 0, gid: 5 }] });
  const out = issues(rule, { image: imageSpec({ files }), now });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'medium');
  assert.match(out[0]?.message ?? '', /2 setuid\/setgid file\(s\): \/usr\/bin\/passwd, \/usr\/bin\/wall/);
  assert.equal(out[0]?.evidence, '/usr/bin/passwd 4755 0:0 (layer 1)\n/usr/bin/wall 2755 0:5');
});

test('passes when the files were read and none has the bits', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ files: fileFacts() }), now }), []);
});
