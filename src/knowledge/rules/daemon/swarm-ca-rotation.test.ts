import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import rule from './swarm-ca-rotation.ts';
import { issues, swarmFacts } from './test-support/cases.ts';

/** A real CA certificate made by openssl, as the swarm's TrustRoot. */
function caPem(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moat-swarm-ca-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '3650', '-subj', '/CN=swarm-ca'], { stdio: 'ignore' });
    return readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pem = caPem();
const issued = new Date(new X509Certificate(pem).validFrom);

test('a CA issued within the year passes', () => {
  assert.deepEqual(issues(rule, swarmFacts({ trustRoot: pem }, new Date(issued.getTime() + 30 * 86_400_000))), []);
});

test('a CA older than a year fails, giving its age and the rotate command', () => {
  const out = issues(rule, swarmFacts({ trustRoot: pem }, new Date(issued.getTime() + 400 * 86_400_000)));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /issued 400 days ago .*docker swarm ca --rotate/);
});

test('a TrustRoot that is not a certificate is an error, not a pass', () => {
  assert.throws(() => rule.check(swarmFacts({ trustRoot: 'not a pem' })), /TrustRoot\) is not a readable PEM certificate/);
});
