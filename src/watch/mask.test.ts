import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskArgv } from './mask.ts';

test('secret-looking values in an exec command are masked, keeping a recognisable start', () => {
  const out = maskArgv(['mysql', '-uroot', '-pS3cretPass', '--password', 'hunter22', '--api-key=abcdef123456', 'env', 'DB_TOKEN=xyz98765', 'curl', '-H', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload', 'https://bob:pw12345@example.com/x', 'sh', '-c', 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI; run', 'AKIAIOSFODNN7EXAMPLE']);
  const text = out.join(' ');
  for (const secret of ['S3cretPass', 'hunter22', 'abcdef123456', 'xyz98765', 'eyJhbGciOiJIUzI1NiJ9.payload', 'pw12345', 'wJalrXUtnFEMI', 'AKIAIOSFODNN7EXAMPLE']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  assert.equal(out[0], 'mysql');
  assert.equal(out[1], '-uroot');
  assert.match(out[2] ?? '', /^-pS3\*\*\*\*\(10 chars\)$/);
  assert.equal(out[3], '--password');
});

test('ordinary commands are left as they are', () => {
  const argv = ['/bin/sh', '-c', 'ls -la /etc && cat /proc/1/status', '--verbose', '-p', '8080'];
  assert.deepEqual(maskArgv(argv), argv);
});
