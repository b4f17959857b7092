/**
 * CIS section 7 on a real single-node swarm (`docker swarm init --advertise-addr 127.0.0.1`)
 * on the test's own second dockerd, never on the shared engine: the rules' verdicts follow
 * the swarm's settings as the test changes them with the docker CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';
import { runMoat } from './support/moat-cli.ts';

let daemon: SecondDaemon;
let cwd: string;

before(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'moat-swarm-'));
  daemon = await startSecondDaemon({ plugins: [] });
  await daemon.docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
});

after(async () => {
  await daemon?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

interface Check {
  ruleId: string;
  status: string;
  reason?: string;
}
interface Finding {
  ruleId: string;
  message: string;
}

async function auditSwarm(): Promise<{ checks: Map<string, Check>; findings: Finding[] }> {
  const r = await runMoat(['audit', '--format', 'json', '--checks', '7,5.1'], { cwd, env: { DOCKER_HOST: `unix://${daemon.socket}` }, timeoutMs: 60_000 });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout) as { checks: Check[]; findings: Finding[] };
  return { checks: new Map(report.checks.map((c) => [c.ruleId, c])), findings: report.findings };
}

const messages = (findings: Finding[], id: string): string[] => findings.filter((f) => f.ruleId === id).map((f) => f.message);

test('a fresh single-node swarm: one manager passes, auto-lock off fails, ingress is unencrypted, no secrets, 90-day certificates and a new CA pass', async () => {
  const { checks, findings } = await auditSwarm();
  assert.equal(checks.get('daemon-swarm-mode')?.status, 'fail');
  assert.equal(checks.get('daemon-swarm-managers')?.status, 'pass');
  // `swarm init` without --listen-addr listens on every interface (Go's dual-stack [::]:2377), read from the daemon's own /proc/PID/net/tcp6.
  const listen = messages(findings, 'daemon-swarm-listen-interface');
  assert.equal(listen.length, 1, listen.join('; '));
  assert.match(listen[0]!, /^swarm management listens on (0\.0\.0\.0|\[::\]):2377, every interface/);
  assert.equal(checks.get('daemon-swarm-autolock')?.status, 'fail');
  assert.equal(checks.get('daemon-swarm-autolock-rotation')?.status, 'not-applicable');
  assert.deepEqual(messages(findings, 'daemon-swarm-overlay-encrypted').length, 1);
  assert.match(messages(findings, 'daemon-swarm-overlay-encrypted')[0]!, /^overlay network ingress is not encrypted/);
  assert.match(messages(findings, 'daemon-swarm-secrets')[0] ?? '', /no Docker secrets/);
  assert.equal(checks.get('daemon-swarm-node-cert-expiry')?.status, 'pass');
  assert.equal(checks.get('daemon-swarm-ca-rotation')?.status, 'pass');
});

test('after the operator acts (auto-lock, an encrypted and a plain overlay, a secret, a year of certificate life) the verdicts follow', async () => {
  await daemon.docker('swarm', 'update', '--autolock=true', '--cert-expiry', '8760h');
  await daemon.docker('network', 'create', '-d', 'overlay', '--opt', 'encrypted', 'moat-g2-secure');
  await daemon.docker('network', 'create', '-d', 'overlay', 'moat-g2-plain');
  writeFileSync(join(cwd, 'secret.txt'), 'not-a-real-password\n');
  await daemon.docker('secret', 'create', 'moat-g2-secret', join(cwd, 'secret.txt'));
  const { checks, findings } = await auditSwarm();
  assert.equal(checks.get('daemon-swarm-autolock')?.status, 'pass');
  assert.equal(checks.get('daemon-swarm-autolock-rotation')?.status, 'info');
  const overlay = messages(findings, 'daemon-swarm-overlay-encrypted');
  assert.ok(overlay.some((m) => m.startsWith('overlay network moat-g2-plain is not encrypted')), overlay.join('; '));
  assert.ok(!overlay.some((m) => m.includes('moat-g2-secure')), overlay.join('; '));
  assert.equal(checks.get('daemon-swarm-secrets')?.status, 'pass');
  assert.match(messages(findings, 'daemon-swarm-node-cert-expiry')[0] ?? '', /live 8760h/);
});
