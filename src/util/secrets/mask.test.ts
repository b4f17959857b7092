import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskArgv, maskSecret, maskText, maskUrl } from './mask.ts';

const npmToken = 'npm_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';

test('one format: the length, and a prefix only when it names the token type', () => {
  assert.equal(maskSecret('hunter22'), '****(8 chars)');
  assert.equal(maskSecret('S3cretPassw0rd!'), '****(15 chars)');
  assert.equal(maskSecret(npmToken), 'npm_****(40 chars)');
  assert.equal(maskSecret('AKIAIOSFODNN7EXAMPLE'), 'AKIA****(20 chars)');
});

test('secret-looking values in an exec command are masked word by word', () => {
  const out = maskArgv(['mysql', '-uroot', '-pS3cretPass', '--password', 'hunter22', '--api-key=abcdef123456', 'env', 'DB_TOKEN=xyz98765', 'curl', '-u', 'deploy:pw-4567', '-H', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload', 'https://bob:pw12345@example.com/x', 'sh', '-c', 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI; run', 'AKIAIOSFODNN7EXAMPLE']);
  const text = out.join(' ');
  for (const secret of ['S3cretPass', 'hunter22', 'abcdef123456', 'xyz98765', 'pw-4567', 'eyJhbGciOiJIUzI1NiJ9.payload', 'pw12345', 'wJalrXUtnFEMI', 'AKIAIOSFODNN7EXAMPLE']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  assert.deepEqual(out.slice(0, 5), ['mysql', '-uroot', '-p****(10 chars)', '--password', '****(8 chars)']);
  assert.equal(out[10], 'deploy:****(7 chars)');
});

test('ordinary commands are left as they are', () => {
  const argv = ['/bin/sh', '-c', 'ls -la /etc && cat /proc/1/status', '--verbose', '-p', '8080'];
  assert.deepEqual(maskArgv(argv), argv);
  for (const line of ['docker run -p8080:80 -u 1000:1000 nginx', 'docker login --password-stdin -u bob', 'curl -u "$USER:$PASS" https://x', 'mysql -p"$DB_PASSWORD"', 'git clone https://github.com/a/b']) assert.equal(maskText(line), line);
});

test('free text: every command-line and protocol form of a secret', () => {
  const cases: Array<[string, string]> = [
    ['RUN curl -fsSL -u admin:hunter22 https://x/i.sh | sh', 'RUN curl -fsSL -u admin:****(8 chars) https://x/i.sh | sh'],
    ['curl --user deploy:pw-4567 https://x', 'curl --user deploy:****(7 chars) https://x'],
    ['mysqldump -h db -pS3cretPass app > dump.sql', 'mysqldump -h db -p****(10 chars) app > dump.sql'],
    ['app --password=hunter22 --token abc12345', 'app --password=****(8 chars) --token ****(8 chars)'],
    ['git clone https://bob:pw12345@example.com/x', 'git clone https://bob:****(7 chars)@example.com/x'],
    ['curl -H "Authorization: Basic dXNlcjpwYXNz" x', 'curl -H "Authorization: Basic ****(12 chars)" x'],
    ['curl -H "PRIVATE-TOKEN: glpat-abcdefghij0123456789" x', 'curl -H "PRIVATE-TOKEN: glpat-****(26 chars)" x'],
    [`NPM_TOKEN=${npmToken} npm ci`, 'NPM_TOKEN=npm_****(40 chars) npm ci'],
    ['ENV DB_PASSWORD=hunter22 USER=app', 'ENV DB_PASSWORD=****(8 chars) USER=app'],
  ];
  for (const [input, want] of cases) assert.equal(maskText(input), want, input);
});

test('known values are masked wherever they appear, and masking twice changes nothing', () => {
  assert.equal(maskText('the value plain-ish-value appears', ['plain-ish-value']), 'the value ****(15 chars) appears');
  const once = maskText('curl -u admin:hunter22 https://bob:pw12345@x/ Authorization: Basic dXNlcjpwYXNz');
  assert.equal(maskText(once), once);
});

test('URLs: the password masked, the query left out', () => {
  assert.equal(maskUrl('https://u:s3cret@hooks.example/x?token=abc'), 'https://u:****(6 chars)@hooks.example/x?%E2%80%A6');
  assert.equal(maskUrl('http://hooks.example:8080/x'), 'http://hooks.example:8080/x');
});

test('masking free text is linear: adversarial 256 KiB inputs take milliseconds, not minutes', () => {
  for (const unit of ['mysql ', 'curl ', ' -pabc', ' -u a:b', 'x-', 'a://:', '--password=', 'Authorization:', 'bearer ']) {
    const text = unit.repeat(Math.ceil((256 * 1024) / unit.length));
    const t0 = performance.now();
    maskText(text);
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms`);
  }
});

test('texts skipped by the quick check are those the command-line forms and secret names leave alone', async () => {
  const { mayHoldCommandForm, maskFormsAndNames } = await import('./mask.ts');
  const { generateCorpus, generateRealWorldCorpus } = await import('../../../bench/dockerfile-corpus.ts');
  // Every form masked above, in other letter cases too: each must pass the quick check.
  const forms = ['--password=hunter22', '-Token abc12345', 'mysql -pS3cretPass', 'mariadb -pS3cretPass', 'curl -u a:hunter22', 'HTTPS://bob:pw12345@x', 'Authorization: Basic dXNlcjpwYXNz', 'PRIVATE-TOKEN: x', 'X-Api-Key: abcdef', 'x-my-secret: abcdef', 'Bearer abcdefgh12', 'DB_PASSWD=hunter22', 'MYSQL_PWD=hunter22', 'LDAP_ROOTPASS=hunter22', 'CLIENTSECRET=hunter22', 'LICENSE_KEY=hunter22', 'APIKEY=hunter22', 'GF_AUTH=hunter22', 'CREDENTIALS=hunter22', 'deploy_key=hunter22', '--client-secret x9y8z7w6'];
  for (const f of forms) {
    for (const t of [f, f.toUpperCase(), f.toLowerCase()]) assert.ok(mayHoldCommandForm(t), t);
    // Each form is one the slow path changes: the list tests the check, not itself.
    assert.notEqual(maskFormsAndNames(f), f, f);
  }
  // And where it says no, masking had nothing to do: the corpora's lines as they are and as assignments.
  const texts: string[] = [];
  for (const f of [...generateRealWorldCorpus(100), ...generateCorpus(100)]) texts.push(...f.text.split('\n'));
  const words = ['a', 'B_C', 'value1234', '--opt=1', '--x y', '-p12345', 'user:pw@h', 'Basic abc', 'x-y: z'];
  for (const a of words) for (const b of words) texts.push(`${a}=${b}`, `${a} ${b}`, `run ${a} ${b}`);
  let skipped = 0;
  for (const t of texts) {
    if (mayHoldCommandForm(t)) continue;
    skipped++;
    assert.equal(maskFormsAndNames(t), t, t);
  }
  assert.ok(skipped > 1000, `${skipped} texts skipped`);
});
