import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSecrets, isSecretAssignment, isSecretName, maskSecret, redact } from './index.ts';

// Test values are assembled at run time so this file itself holds no scanner-triggering literal.
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY';
const ghp = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const glpat = 'glpat-' + 'xY3kL9mN2pQ7rS5tV8wZ';
const slack = 'xoxb-' + '1234567890-0987654321-AbCdEfGhIjKlMnOp';
const npm = 'npm_' + 'abcdefghijklmnopqrstuvwxyz0123456789';
const gcp = 'AIza' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q';
const azure = 'AccountKey=' + 'A'.repeat(40) + 'b'.repeat(46) + '==';
const key = '-----BEGIN ' + 'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';

test('finds each kind of secret and names it', () => {
  const cases: [string, string][] = [
    [`ENV KEY=${aws}`, 'aws-access-key-id'],
    [`aws_secret_access_key = ${awsSecret}`, 'aws-secret-access-key'],
    [`token: ${ghp}`, 'github-token'],
    [`export GITLAB=${glpat}`, 'gitlab-token'],
    [`SLACK=${slack}`, 'slack-token'],
    [`//registry.npmjs.org/:_authToken=${npm}`, 'npm-token'],
    [`key=${gcp}`, 'gcp-api-key'],
    [`DefaultEndpointsProtocol=https;AccountName=x;${azure};EndpointSuffix=core.windows.net`, 'azure-storage-key'],
    [key, 'private-key'],
    ['curl https://deploy:Zx9!qW2#rT7@example.com/x', 'url-credentials'],
    ['DB_PASSWORD=Q7v!x9Lp2#sK', 'generic-assignment'],
  ];
  for (const [text, kind] of cases) assert.deepEqual(findSecrets(text).map((s) => s.kind), [kind], text);
});

test('placeholders, variables and low-entropy words are not secrets', () => {
  for (const text of ['PASSWORD=changeme', 'TOKEN=${GITHUB_TOKEN}', 'password=aaaaaaaaaaaa', 'api_key=<your-key-here>', 'echo hello world', 'SECRET_FILE=/run/secrets/db']) {
    assert.deepEqual(findSecrets(text), [], text);
  }
});

test('a secret is masked: a short prefix and the length, never the value', () => {
  const [s] = findSecrets(`x ${ghp} y`);
  assert.ok(s);
  assert.equal(s.masked, 'ghp_****(40 chars)');
  assert.ok(!s.masked.includes(ghp.slice(4, 10)));
  assert.equal(maskSecret('hunter22'), '****(8 chars)');
  assert.equal(redact(`token ${ghp} end`), 'token ghp_****(40 chars) end');
  assert.ok(!maskSecret(key).includes('b3Bl'));
});

test('secret-named assignments need a literal value', () => {
  assert.equal(isSecretAssignment('DB_PASSWORD', 'hunter22'), true);
  assert.equal(isSecretAssignment('GITHUB_TOKEN', '$TOKEN'), false);
  assert.equal(isSecretAssignment('PATH', '/usr/bin'), false);
  assert.equal(isSecretAssignment('API_KEY', undefined), false);
});

test('redact also masks the values of secret-named assignments, whatever their entropy', () => {
  assert.equal(redact('ENV DB_PASSWORD=hunter22 USER=app'), 'ENV DB_PASSWORD=****(8 chars) USER=app');
  assert.equal(redact('api_key: "abcdefgh"'), 'api_key: "****(8 chars)"');
  assert.equal(redact("PASS='aaaa1111'"), 'PASS=****(8 chars)');
  assert.equal(redact('TOKEN=$TOKEN'), 'TOKEN=$TOKEN');
});

test('scanning is linear: adversarial megabyte inputs take milliseconds, not minutes', () => {
  for (const unit of ['a.', 'a-', 'a=', 'a://', 'password', 'x="', 'token ', 'ab:cd@']) {
    const text = unit.repeat(Math.ceil((1024 * 1024) / unit.length));
    // CPU time, not wall time: a quadratic scan costs minutes of CPU, while a busy machine only stretches the wall clock.
    const t0 = process.cpuUsage();
    findSecrets(text);
    redact(text);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000;
    assert.ok(ms < 3000, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms of CPU`);
  }
});

test('compound secret names are secrets; names that only describe one, and version numbers, are not', () => {
  for (const name of ['LDAP_ROOTPASS', 'DBPASSWD', 'MYSQL_ROOT_PASSWORD', 'CLIENTSECRET', 'LICENSE_KEY', 'MASTER_KEY', 'SECRET_KEY_BASE', 'APP_KEY', 'AWS_ACCESS_KEY_ID', 'my_password']) {
    assert.equal(isSecretName(name), true, name);
    assert.equal(isSecretAssignment(name, 'q7Vx-9Lp2'), true, name);
  }
  for (const name of ['DOCKER_AUTH_VERSION', 'PASSWORD_FILE', 'TOKEN_URL', 'GPG_KEY', 'PUBLIC_KEY', 'CACHE_KEY', 'BYPASS_PROXY', 'COMPASS_HOME', 'PASSENGER_VERSION', 'MONKEY', 'AUTH_TYPE', 'OLDPWD', 'KEYSERVER', 'GOSU_KEY', 'SSL_KEY', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD', 'GF_AUTH_ANONYMOUS_ORG_ROLE']) {
    assert.equal(isSecretAssignment(name, 'q7Vx-9Lp2'), false, name);
  }
  assert.equal(isSecretAssignment('DOCKER_AUTH', '1.5.0'), false, 'a version number');
  assert.equal(isSecretAssignment('REDIS_PASSWORD', '12.2-1+deb12u3'), false);
  assert.equal(isSecretAssignment('TINI_SIGNING_KEY', '595E497B2ABE8A3D9E7B1E8C4F2F0D7C6A3F9B21'), false, 'an OpenPGP fingerprint is public');
  assert.equal(redact('ENV LDAP_ROOTPASS=hunter22 DOCKER_AUTH_VERSION=1.5.0'), 'ENV LDAP_ROOTPASS=****(8 chars) DOCKER_AUTH_VERSION=1.5.0');
});
