import { REMOTE } from './support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRules } from './index.ts';
import { isNotApplicable, type Outcome } from '../../../models/rule.ts';
import type { FileFact } from '../../../models/host-spec.ts';
import { parseMountinfo } from '../../../doors/host/mounts.ts';
import { BENCHMARKS, cisIdIn } from '../../../models/cis-benchmark.ts';
import { daemonSpec, defaultOptions, fileFact, hostSpec, option, systemFacts } from '../test-support/fixtures.ts';

/** A host configured the way the benchmark asks, with TLS on and a registry certificate, so that every file rule has a file to judge. */
function wellConfigured() {
  const daemon = daemonSpec({
    optionList: [...defaultOptions(), option('tlsverify', true), option('tlscacert', '/etc/docker/tls/ca.pem'), option('tlscert', '/etc/docker/tls/cert.pem'), option('tlskey', '/etc/docker/tls/key.pem')],
  });
  const dir = (path: string, mode = 0o755): FileFact => fileFact(path, { type: 'directory', mode });
  const bin = (path: string): FileFact => fileFact(path, { mode: 0o755 });
  const files: FileFact[] = [
    fileFact('/lib/systemd/system/docker.service'),
    fileFact('/lib/systemd/system/docker.socket'),
    dir('/etc/docker'),
    fileFact('/etc/docker/daemon.json', { mode: 0o600 }),
    fileFact('/etc/default/docker'),
    { path: '/etc/sysconfig/docker', exists: false },
    dir('/etc/docker/certs.d'),
    fileFact('/etc/docker/certs.d/registry.example:5000/ca.crt', { mode: 0o444 }),
    fileFact('/etc/docker/tls/ca.pem', { mode: 0o444 }),
    fileFact('/etc/docker/tls/cert.pem', { mode: 0o444 }),
    fileFact('/etc/docker/tls/key.pem', { mode: 0o400 }),
    fileFact('/var/run/docker.sock', { type: 'socket', mode: 0o660, gid: 998, group: 'docker' }),
    fileFact('/run/containerd/containerd.sock', { type: 'socket', mode: 0o660 }),
    dir('/run/containerd', 0o711),
    dir('/var/lib/docker', 0o710),
    fileFact('/etc/containerd/config.toml'),
    ...['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v1', 'containerd-shim-runc-v2', 'runc'].map((b) => bin(`/usr/bin/${b}`)),
  ];
  const watched = files.filter((f) => f.exists && !f.path.includes('certs.d') && !f.path.includes('/tls/')).map((f) => f.path);
  const host = hostSpec({
    files: new Map(files.map((f) => [f.path, f])),
    audit: { sources: ['/etc/audit/rules.d/docker.rules'], watchedPaths: new Set(watched), available: true },
    mounts: parseMountinfo(['27 1 254:0 / / rw - ext4 /dev/vda rw', '42 27 253:1 / /var/lib/docker rw - xfs /dev/mapper/vg0-docker rw'].join('\n')),
    dockerGroup: { gid: 998, members: [] },
    env: { DOCKER_CONTENT_TRUST: '1' },
  });
  return systemFacts({ daemon, host });
}

test('every host rule passes a well-configured host; only the manual rule asks for a review', () => {
  const facts = wellConfigured();
  const notApplicable: string[] = [];
  for (const rule of hostRules) {
    const out: Outcome = rule.check(facts);
    if (isNotApplicable(out)) {
      notApplicable.push(rule.meta.id);
      continue;
    }
    if (rule.meta.manual) {
      assert.equal(out.length, 1, rule.meta.id);
      assert.equal(out[0]?.severity ?? rule.meta.severity, 'info', rule.meta.id);
    } else if (rule.meta.id === 'host-content-trust') {
      // Content trust on is reported as the older mechanism (issue 16): an info, never a problem.
      assert.deepEqual(out.map((i) => i.severity), ['info']);
      assert.match(out[0]?.message ?? '', /the older mechanism/);
    } else assert.deepEqual(out, [], `${rule.meta.id}: ${out.map((i) => i.message).join('; ')}`);
  }
  // Only the file this host lacks may be skipped: every other rule had something to judge.
  assert.deepEqual(notApplicable.sort(), ['host-audit-etc-sysconfig-docker', 'host-etc-sysconfig-docker-mode', 'host-etc-sysconfig-docker-owner']);
});

test('every host rule steps aside when the daemon is remote', () => {
  const facts = systemFacts({ host: undefined });
  for (const rule of hostRules) {
    const out = rule.check(facts);
    assert.ok(isNotApplicable(out) && out.notApplicable === REMOTE, rule.meta.id);
  }
});

test('the host rules cover CIS sections 1.1.1-1.1.18, 1.2.1, 3.1-3.24 and 4.5, once each, in every benchmark version', () => {
  const expected = [...Array.from({ length: 18 }, (_, i) => `1.1.${i + 1}`), '1.2.1', ...Array.from({ length: 24 }, (_, i) => `3.${i + 1}`), '4.5'];
  for (const b of BENCHMARKS) {
    const ids = hostRules.flatMap((r) => (r.meta.cis ? [cisIdIn(r.meta.cis, b)] : [])).filter((id) => id !== undefined);
    assert.deepEqual([...ids].sort(), [...expected].sort(), b);
  }
  // docker-bench-security numbers in v1.6.0; the one rule only later versions have has no docker-bench check.
  for (const r of hostRules) if (r.meta.peers) assert.equal(r.meta.peers.dockerBench, r.meta.cis && cisIdIn(r.meta.cis, 'cis-1.6.0'), r.meta.id);
  assert.deepEqual(hostRules.filter((r) => !r.meta.peers).map((r) => r.meta.id), ['host-audit-docker-sock']);
});
