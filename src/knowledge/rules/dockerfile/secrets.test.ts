import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './secrets.ts';
import { issuesOf } from './test-support/lint-text.ts';
import { runHadolintCases } from './test-support/conformance.ts';

const ghp = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';

test('flags secrets in ENV, ARG defaults, LABEL, RUN and heredocs, masked, at the value (CIS 4.10)', async () => {
  const text = `ARG NPM_TOKEN=npm_${'a'.repeat(10)}${'b1c2d3e4f5'.repeat(2)}abcdef\nFROM debian:12\nENV AWS_ACCESS_KEY_ID=${aws} DB_PASSWORD=hunter22\nLABEL token="${ghp}"\nRUN echo "${ghp}" > /root/.token\nCOPY <<EOF /root/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\nEOF\n`;
  const issues = await issuesOf(text, rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [1, 3, 3, 4, 5, 7]);
  assert.deepEqual([issues[1]?.at?.column], [23]);
  for (const i of issues) {
    assert.ok(!(i.evidence ?? '').includes(ghp) && !(i.evidence ?? '').includes(aws) && !(i.evidence ?? '').includes('hunter22'), `unmasked: ${i.evidence}`);
  }
});

test('a secret-named ARG without a default is reported as a build-argument leak, at medium', async () => {
  const issues = await issuesOf('FROM debian:12\nARG GITHUB_TOKEN\n', rule);
  assert.deepEqual(issues.map((i) => [i.at?.line, i.severity]), [[2, 'medium']]);
});

test('passes variables, placeholders and secret mounts', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nARG VERSION=1.2\nENV DB_PASSWORD_FILE=/run/secrets/db TOKEN=${TOKEN}\nRUN --mount=type=secret,id=npm npm ci\n', rule), []);
});

test('issue 12: compound names are found (ROOTPASS, LICENSE_KEY); a version under an _AUTH_ name is not a secret', async () => {
  const text = 'FROM debian:12\nENV DOCKER_AUTH_VERSION 1.5.0\nENV LDAP_ROOTPASS=n0t-a-real-one\nENV LICENSE_KEY 4f9a-22bc-9e01-77aa\nENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305\nENV PYTHON_GET_PIP_SHA256 dfe9fd5c28dc98b5ac17979a953ea550cec37ae1b47a5116007395bfacff2ab9\n';
  const issues = await issuesOf(text, rule);
  assert.deepEqual(issues.map((i) => [i.at?.line, i.evidence]), [[3, 'LDAP_ROOTPASS=****(14 chars)'], [4, 'LICENSE_KEY=****(19 chars)']]);
});
runHadolintCases('DL3064', rule);
