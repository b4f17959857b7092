import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mask, secretIn } from './secrets.ts';

test('known token formats are found whatever the name, and masked', () => {
  const hit = secretIn('X', 'AKIAABCDEFGHIJKLMNOP');
  assert.equal(hit?.kind, 'AWS access key id');
  assert.equal(hit?.masked, 'AKIA****(20 chars)');
  assert.equal(secretIn('DSN', 'postgres://app:s3cr3t@db:5432/app')?.kind, 'password in a URL');
  assert.equal(secretIn('T', `ghp_${'a'.repeat(36)}`)?.kind, 'GitHub token');
});

test('secret-looking names with real values count; references, placeholders and public keys do not', () => {
  assert.equal(secretIn('DB_PASSWORD', 'hunter2')?.masked, '****(7 chars)');
  assert.ok(secretIn('api_key', 'abc123'));
  for (const [k, v] of [['DB_PASSWORD_FILE', '/run/secrets/db'], ['DB_PASSWORD', ''], ['TOKEN', '${TOKEN}'], ['GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D'], ['SECRET_PATH', '/etc/x'], ['NODE_VERSION', '22']]) {
    assert.equal(secretIn(k ?? '', v ?? ''), undefined, `${k}=${v}`);
  }
});

test('mask never shows a short value, and of a long one only a prefix that names its type', () => {
  assert.equal(mask('short'), '****(5 chars)');
  assert.equal(mask('0123456789abcdefXYZ'), '****(19 chars)');
  assert.equal(mask('ghp_0123456789abcdefXYZ'), 'ghp_****(23 chars)');
});
