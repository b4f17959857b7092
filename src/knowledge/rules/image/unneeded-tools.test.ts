import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './unneeded-tools.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';
import { fileFacts } from './test-support/file-facts.fixture.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one finding per category with the proving paths; shells are info, the rest low', () => {
  const files = fileFacts({
    tools: [
      { category: 'package-manager', name: 'apt', paths: ['usr/bin/apt', 'usr/bin/apt-get'] },
      { category: 'package-manager', name: 'dpkg', paths: ['usr/bin/dpkg'] },
      { category: 'shell', name: 'bash', paths: ['usr/bin/bash'] },
      { category: 'sshd', name: 'OpenSSH server', paths: ['usr/sbin/sshd'] },
    ],
  });
  const out = issues(rule, { image: imageSpec({ files }), now });
  assert.deepEqual(out.map((i) => [i.severity, i.message.replace(/^\S+ /, '')]), [
    ['low', 'holds an SSH server: OpenSSH server (/usr/sbin/sshd)'],
    ['low', 'holds package managers: apt, dpkg (/usr/bin/apt, /usr/bin/apt-get, /usr/bin/dpkg)'],
    ['info', 'holds shells: bash (/usr/bin/bash)'],
  ]);
  assert.match(out[1]?.evidence ?? '', /^apt: \/usr\/bin\/apt, \/usr\/bin\/apt-get\ndpkg: \/usr\/bin\/dpkg$/);
});

test('a minimal image passes; not applicable without the files', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ files: fileFacts() }), now }), []);
  assert.match(reason(rule, { image: imageSpec(), now }), /not read/);
});
