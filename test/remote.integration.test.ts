/**
 * `moat audit` against a daemon that is not on the local socket, through each transport the
 * Docker CLI offers: TCP with TLS (the test's own dockerd with --tlsverify and openssl-made
 * certificates) and ssh:// (Debian's sshd on 127.0.0.1 running `docker system dial-stdio`).
 * Wrong certificates and an unknown host key end with exit 3 and one line saying what to fix.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';
import { makeTlsSet, type TlsSet } from './support/tls-certs.ts';
import { startSshServer, type SshServer } from './support/ssh-server.ts';
import { runMoat } from './support/moat-cli.ts';
import { EngineClient } from '../src/doors/engine/client.ts';
import { resolveEndpoint } from '../src/doors/engine/endpoint.ts';

let dir: string;
let daemon: SecondDaemon;
let certs: TlsSet;
let wrong: TlsSet;
let sshd: SshServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-remote-'));
  certs = await makeTlsSet(join(dir, 'good'));
  wrong = await makeTlsSet(join(dir, 'wrong'), 'moat-stranger');
  daemon = await startSecondDaemon({ plugins: [], tls: certs.server });
  sshd = await startSshServer(join(dir, 'ssh'), `unix://${daemon.socket}`);
});

after(async () => {
  await sshd?.stop();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tlsEnv = (certPath: string): NodeJS.ProcessEnv => ({ DOCKER_HOST: `tcp://127.0.0.1:${daemon.tcpPort}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });

/** An empty host root: this machine's /proc then shows no dockerd, as on a machine other than the daemon's. */
function elsewhere(): string {
  return mkdtempSync(join(tmpdir(), 'moat-elsewhere-'));
}

test('TLS: the client reaches the --tlsverify daemon with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH and reads the same engine as its socket', async () => {
  const client = await EngineClient.connect({ endpoint: resolveEndpoint(tlsEnv(certs.client)) });
  try {
    const info = (await client.getJson('/info')) as { ID: string; DockerRootDir: string };
    assert.equal(info.DockerRootDir, join(daemon.dir, 'data'));
    assert.equal(info.ID, JSON.parse(await daemon.docker('info', '--format', '{{json .ID}}')));
  } finally {
    client.close();
  }
});

test('TLS: moat audit over tcp:// with TLS reports the remote engine, and host-file checks say not applicable (remote daemon) and why', async () => {
  const root = elsewhere();
  try {
    const r = await runMoat(['audit', '--format', 'json', '--host-root', root], { cwd: dir, env: tlsEnv(certs.client), timeoutMs: 60_000 });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as { target: { endpoint: string }; checks: Array<{ ruleId: string; status: string; reason?: string }> };
    assert.equal(report.target.endpoint, `tcp://127.0.0.1:${daemon.tcpPort} (TLS, verified)`);
    const sock = report.checks.find((c) => c.ruleId === 'host-docker-sock-mode');
    assert.ok(sock, 'the docker.sock mode check ran');
    assert.equal(sock.status, 'not-applicable');
    assert.match(sock.reason ?? '', /^not applicable \(remote daemon\): .*run Moat on the daemon's host/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('TLS: a certificate folder from another CA ends with exit 3 and one line naming DOCKER_CERT_PATH', async () => {
  const r = await runMoat(['audit'], { cwd: dir, env: tlsEnv(wrong.client), timeoutMs: 60_000 });
  assert.equal(r.code, 3);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^moat: the engine at tcp:\/\/127\.0\.0\.1:\d+ .*certificate.*DOCKER_CERT_PATH/);
  assert.equal(r.stdout, '');
});

test('TLS: plain HTTP to the TLS port says to set DOCKER_TLS_VERIFY, exit 3', async () => {
  const r = await runMoat(['audit'], { cwd: dir, env: { DOCKER_HOST: `tcp://127.0.0.1:${daemon.tcpPort}`, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' }, timeoutMs: 60_000 });
  assert.equal(r.code, 3);
  assert.match(r.stderr.trim(), /^moat: the engine at tcp:\/\/127\.0\.0\.1:\d+ speaks only TLS: set DOCKER_TLS_VERIFY=1/);
});

test('ssh: moat audit over ssh:// (docker system dial-stdio) reads the daemon the remote docker CLI reaches', async () => {
  const r = await runMoat(['audit', '--format', 'json', '--host-root', elsewhere()], {
    cwd: dir,
    env: { DOCKER_HOST: `ssh://root@127.0.0.1:${sshd.port}`, MOAT_SSH: sshd.sshCommand },
    timeoutMs: 90_000,
  });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout) as { target: { endpoint: string; engineVersion: string }; checks: Array<{ ruleId: string; status: string; reason?: string }> };
  assert.equal(report.target.endpoint, `ssh://root@127.0.0.1:${sshd.port}`);
  const version = await daemon.docker('version', '--format', '{{.Server.Version}}');
  assert.equal(report.target.engineVersion, version);
  const audit = report.checks.find((c) => c.ruleId.startsWith('host-audit-'));
  assert.ok(audit && audit.status === 'not-applicable' && /remote daemon/.test(audit.reason ?? ''), JSON.stringify(audit));
});

test('ssh: the client over ssh reads the same daemon ID as its socket, many requests at once', async () => {
  const client = await EngineClient.connect({ endpoint: resolveEndpoint({ DOCKER_HOST: `ssh://root@127.0.0.1:${sshd.port}` }), sshCommand: sshd.sshCommand });
  try {
    const infos = (await Promise.all(Array.from({ length: 12 }, () => client.getJson('/info')))) as Array<{ ID: string }>;
    const id = JSON.parse(await daemon.docker('info', '--format', '{{json .ID}}')) as string;
    for (const i of infos) assert.equal(i.ID, id);
  } finally {
    client.close();
  }
});

test('ssh: an unknown host key ends with exit 3 and one line saying to check and add the key', async () => {
  const r = await runMoat(['audit'], { cwd: dir, env: { DOCKER_HOST: `ssh://root@127.0.0.1:${sshd.port}`, MOAT_SSH: sshd.strangerSshCommand }, timeoutMs: 60_000 });
  assert.equal(r.code, 3);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^moat: ssh does not know the host key of ssh:\/\/root@127\.0\.0\.1:\d+: .*known_hosts/);
});
