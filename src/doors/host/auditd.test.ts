import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAuditRules, readAudit } from './auditd.ts';

test('collects -w watches and -F path=/dir= rules; -W removes; comments are ignored', () => {
  const watched = parseAuditRules(
    [
      '# -w /etc/shadow -k not-a-rule',
      '-D',
      '-w /usr/bin/dockerd -k docker',
      '-w /etc/docker/ -p wa -k docker',
      '-a exit,always -F path=/run/containerd -F perm=war -k docker',
      '-a always,exit -F arch=b64 -F dir=/var/lib/docker -F perm=wa -F key=docker',
      '-w /tmp/gone -k x',
      '-W /tmp/gone -k x',
    ].join('\n'),
  );
  assert.deepEqual([...watched].sort(), ['/etc/docker', '/run/containerd', '/usr/bin/dockerd', '/var/lib/docker']);
});

test('reads `auditctl -l` output the same way', () => {
  const out = '-w /usr/bin/dockerd -p rwxa -k docker\n-a always,exit -F arch=b64 -S all -F path=/usr/bin/runc -F perm=rwxa -F key=docker\n';
  assert.deepEqual([...parseAuditRules(out)], ['/usr/bin/dockerd', '/usr/bin/runc']);
});

async function fakeRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'moat-audit-'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

test('reads audit.rules and rules.d/*.rules under the root, in order', async () => {
  const root = await fakeRoot({
    'etc/audit/audit.rules': '-w /etc/docker -k docker\n',
    'etc/audit/rules.d/10-docker.rules': '-w /usr/bin/dockerd -k docker\n',
    'etc/audit/rules.d/20-undo.rules': '-W /etc/docker\n',
    'etc/audit/rules.d/README': '-w /not/a/rules/file\n',
  });
  try {
    const a = await readAudit(root, async () => assert.fail('auditctl must not run under a host root'));
    assert.equal(a.available, true);
    assert.deepEqual(a.sources, ['/etc/audit/audit.rules', '/etc/audit/rules.d/10-docker.rules', '/etc/audit/rules.d/20-undo.rules']);
    assert.deepEqual([...a.watchedPaths], ['/usr/bin/dockerd']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an auditctl binary with no rule files still counts as an audit subsystem', async () => {
  const root = await fakeRoot({ 'sbin/auditctl': '' });
  try {
    const a = await readAudit(root);
    assert.equal(a.available, true);
    assert.equal(a.watchedPaths.size, 0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('no auditctl and no rule files: not available', async () => {
  const root = await fakeRoot({ 'etc/hostname': 'h\n' });
  try {
    const a = await readAudit(root);
    assert.deepEqual(a, { sources: [], watchedPaths: new Set(), available: false });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('on the live host, `auditctl -l` is the source; when it cannot list, the files are', async () => {
  const root = await fakeRoot({ 'usr/sbin/auditctl': '', 'etc/audit/audit.rules': '-w /etc/docker -k docker\n' });
  try {
    const ran: string[] = [];
    const live = await readAudit(root, async (bin) => (ran.push(bin), '-w /usr/bin/runc -p rwxa -k docker\n'), true);
    assert.deepEqual(ran, ['/usr/sbin/auditctl']);
    assert.deepEqual(live.sources, ['auditctl -l']);
    assert.deepEqual([...live.watchedPaths], ['/usr/bin/runc']);
    const denied = await readAudit(root, async () => undefined, true);
    assert.deepEqual(denied.sources, ['/etc/audit/audit.rules']);
    assert.deepEqual([...denied.watchedPaths], ['/etc/docker']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
