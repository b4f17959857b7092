/**
 * `moat scan IMAGE` as a user runs it on real images in the engine: a FROM-scratch image
 * imported from a crafted tar (setuid binary, world-writable /usr/bin file, fake AWS and
 * npm credentials, sshd, EXPOSE 22) and the Debian test image (apt, dpkg, setuid files
 * of a real distribution). Checks the findings, that the secrets never appear in full in
 * any format, the exit codes, and that without a database the rules still report.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, TEST_LABEL } from '../support/engine.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../support/images.ts';
import { runMoat } from '../support/moat-cli.ts';
import { dir, file, makeTar, symlink } from '../support/tar.ts';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../../src/report/test-support/ajv.ts';
import { tempDir } from '../../src/knowledge/vuln/test-support/temp.ts';
import { ZipWriter } from '../../src/knowledge/vuln/test-support/zip-writer.ts';

const work = tempDir('scan-rules');
const REF = `moat-test/scan-rules:${process.pid}`;
const NO_DB = { MOAT_DB: join(work, 'none', 'osv.sqlite') };

/** Shaped like real credentials so the detectors fire; not credentials of anything. */
const FAKE = {
  awsKeyId: 'AKIAMOATTESTKEY00001',
  awsSecret: 'moatTESTsecretKEYnotREAL0000000000000001',
  npmToken: 'npm_MOATtestTOKENnotREAL000000000000001',
};

interface Report {
  findings: Array<{ ruleId: string; severity: string; message: string; evidence?: string; suppressed?: unknown; vulnerability?: { id: string } }>;
  checks: Array<{ ruleId: string; status: string; reason?: string }>;
  warnings?: Array<{ message: string }>;
}

const moat = (args: string[], env: NodeJS.ProcessEnv = NO_DB) => runMoat(args, { cwd: work, env });

before(async () => {
  const bin = readFileSync(join(import.meta.dirname, '../support/true.c')); // any bytes: nothing runs
  const layer = await makeTar([
    dir('usr/'),
    dir('usr/bin/'),
    dir('usr/sbin/'),
    dir('usr/lib/'),
    file('usr/bin/suid-tool', bin, 0o4755),
    file('usr/bin/sgid-tool', bin, 0o2755),
    file('usr/bin/ww-tool', bin, 0o777),
    symlink('usr/lib/link', '/usr/bin/suid-tool'),
    file('usr/sbin/sshd', bin, 0o755),
    dir('tmp/', 0o1777),
    file('tmp/scratch', 'x', 0o666),
    dir('root/', 0o700),
    dir('root/.aws/', 0o700),
    file('root/.aws/credentials', `[default]\naws_access_key_id = ${FAKE.awsKeyId}\naws_secret_access_key = ${FAKE.awsSecret}\n`, 0o600),
    dir('app/'),
    file('app/.npmrc', `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${FAKE.npmToken}\n`, 0o644),
  ]);
  await new Promise<void>((resolve, reject) => {
    const dk = spawn('docker', ['import', '--change', `LABEL ${TEST_LABEL}`, '--change', 'EXPOSE 22', '--change', 'CMD ["/usr/sbin/sshd"]', '-', REF], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    dk.stderr.on('data', (c) => (err += c));
    dk.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker import failed: ${err}`))));
    dk.stdin.end(layer);
  });
  await ensureDebianImages();
});

after(async () => {
  await docker('rmi', REF).catch(() => undefined);
});

test('a crafted image: setuid, world-writable, secrets in files (masked), sshd, EXPOSE 22; no database still reports the rules (exit 2)', async () => {
  const r = await moat(['scan', REF, '--format', 'json']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no vulnerability database at .*: run `moat db update`.*the image rules ran, vulnerabilities were not checked/);
  const report = JSON.parse(r.stdout) as Report;
  const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 1));
  const of = (id: string) => report.findings.filter((f) => f.ruleId === id);

  assert.equal(of('image-setuid').length, 1);
  assert.match(of('image-setuid')[0]?.message ?? '', /2 setuid\/setgid file\(s\): \/usr\/bin\/sgid-tool, \/usr\/bin\/suid-tool$/);
  assert.equal(of('image-setuid')[0]?.evidence, '/usr/bin/sgid-tool 2755 0:0 (layer 1)\n/usr/bin/suid-tool 4755 0:0 (layer 1)');
  // Not /usr/lib/link (a symlink), not /tmp (sticky) nor /tmp/scratch (outside system paths).
  assert.match(of('image-world-writable')[0]?.message ?? '', /1 world-writable entry in system paths: \/usr\/bin\/ww-tool$/);
  const secrets = of('image-secret-files').map((f) => f.message.replace(/^\S+ /, ''));
  assert.deepEqual(secrets, [
    '/app/.npmrc:2 holds a secret (npm registry credential) (layer 1)',
    '/root/.aws/credentials:2 holds a secret (AWS access key id) (layer 1)',
    '/root/.aws/credentials:3 holds a secret (AWS secret access key) (layer 1)',
  ]);
  assert.ok(of('image-secret-files').every((f) => f.severity === 'high'));
  assert.match(of('image-unneeded-tools')[0]?.message ?? '', /holds an SSH server: OpenSSH server \(\/usr\/sbin\/sshd\)/);
  assert.match(of('image-expose-ssh')[0]?.message ?? '', /exposes 22\/tcp/);
  assert.equal(of('image-user').length, 1);
  const vuln = report.checks.find((c) => c.ruleId === 'package-vulnerable');
  assert.equal(vuln?.status, 'error');
  assert.match(vuln?.reason ?? '', /vulnerabilities not checked/);
});

test('no format ever shows a secret in full', async () => {
  for (const format of ['table', 'json', 'sarif', 'html']) {
    const r = await moat(['scan', REF, '--no-vulns', '--format', format, '--fail-on', 'none']);
    assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    assert.match(r.stdout, /credentials/, `${format} reports the credentials file`);
    for (const value of Object.values(FAKE)) {
      assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value), `${format} shows ${value.slice(0, 4)}... in full`);
      assert.ok(!r.stdout.includes(value.slice(4)), `${format} shows the body of ${value.slice(0, 4)}...`);
    }
  }
});

test('--no-vulns: rules only, exit codes follow --fail-on, the report says vulnerabilities were not checked', async () => {
  const high = await moat(['scan', REF, '--no-vulns', '--format', 'json']);
  assert.equal(high.code, 1, high.stderr);
  const report = JSON.parse(high.stdout) as Report;
  assert.ok(!report.checks.some((c) => c.ruleId === 'package-vulnerable'));
  assert.ok(report.warnings?.some((w) => w.message === 'vulnerabilities not checked (--no-vulns)'));
  assert.equal((await moat(['scan', REF, '--no-vulns', '--fail-on', 'critical'])).code, 0);
});

test('moat.yaml ignores and rule selection apply to image rules', async () => {
  const cfgDir = join(work, 'cfg');
  mkdirSync(cfgDir, { recursive: true });
  writeFileSync(join(cfgDir, 'moat.yaml'), 'rules:\n  disable: [image-unneeded-tools]\nignore:\n  - rule: image-secret-files\n    subject: "moat-test/scan-rules:*"\n    reason: test fixtures, not real credentials\n');
  const r = await runMoat(['scan', REF, '--no-vulns', '--format', 'json', '--fail-on', 'high'], { cwd: cfgDir, env: NO_DB });
  const report = JSON.parse(r.stdout) as Report;
  assert.ok(!report.checks.some((c) => c.ruleId === 'image-unneeded-tools'));
  const secrets = report.findings.filter((f) => f.ruleId === 'image-secret-files');
  assert.equal(secrets.length, 3);
  assert.ok(secrets.every((f) => f.suppressed));
  // What is left at high or above: nothing (world-writable and setuid are medium).
  assert.equal(r.code, 0, r.stderr);
});

test('the Debian image: package managers and shells found, real setuid files listed; with a database, vulnerabilities join the same report', async () => {
  const records = join(work, 'records');
  mkdirSync(records, { recursive: true });
  const zip = new ZipWriter(join(records, 'all.zip'));
  zip.add('DEBIAN-CVE-9999-9400.json', JSON.stringify({ id: 'DEBIAN-CVE-9999-9400', modified: '2020-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'curl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }));
  zip.close();
  const env = { MOAT_DB: join(work, 'db', 'osv.sqlite') };
  assert.equal((await moat(['db', 'import', join(records, 'all.zip')], env)).code, 0);
  const r = await moat(['scan', DEBIAN_IMAGES.curl, '--format', 'json', '--fail-on', 'none', '--max-db-age', '100000'], env);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const tools = report.findings.filter((f) => f.ruleId === 'image-unneeded-tools').map((f) => f.message);
  assert.ok(tools.some((m) => /package managers: apt, dpkg \(\/usr\/bin\/apt, \/usr\/bin\/apt-get, \/usr\/bin\/dpkg\)/.test(m)), tools.join('\n'));
  assert.ok(tools.some((m) => /shells: bash, dash, sh/.test(m)), tools.join('\n'));
  assert.match(report.findings.find((f) => f.ruleId === 'image-setuid')?.evidence ?? '', /^\/usr\/bin\/passwd 4755 0:0 \(layer 1\)$/m);
  assert.ok(report.findings.some((f) => f.vulnerability?.id === 'CVE-9999-9400' || f.vulnerability?.id === 'DEBIAN-CVE-9999-9400'), 'the curl advisory is matched');
  assert.equal(report.checks.find((c) => c.ruleId === 'package-vulnerable')?.status, 'fail');
  assert.ok(!report.findings.some((f) => f.ruleId === 'image-world-writable'), 'a stock Debian has no world-writable system files');
});
