import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './env-secrets.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { containersFromCompose } from '../../../doors/compose/project.ts';
import { containerFromRunArgs } from '../../../doors/run-line/argv.ts';
import { isNotApplicable, type Issue } from '../../../models/rule.ts';

// Assembled at run time: this file itself holds no scanner-triggering literal.
const ghp = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';

const COMPOSE = `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: Sup3r-S3cret-Pw
      POSTGRES_PASSWORD_FILE: /run/secrets/db
      POSTGRES_USER: app
      FROM_SHELL_PASSWORD: \${DB_PASS}
      DEFAULTED_PASSWORD: \${DB_PASS:-fallback-pw-123}
      DOCKER_AUTH_VERSION: 1.5.0
      LICENSE_KEY: 4f9a-22bc-9e01
      GIT: ${ghp}
  ldap:
    image: osixia/openldap
    environment:
      - LDAP_ROOTPASS=n0t-a-placeholder
      - LDAP_DOMAIN=example.org
      - INHERITED_TOKEN
      - TEMPLATED_TOKEN=\${TOKEN}
`;

const check = (facts: Parameters<typeof rule.check>[0]): Issue[] => {
  const out = rule.check(facts);
  assert.ok(Array.isArray(out));
  return out as Issue[];
};

test('compose environment: literal values under secret names and token formats, map and list forms, located and masked', () => {
  const r = containersFromCompose(COMPOSE, { file: '/srv/app/compose.yaml', env: { DB_PASS: 'from-the-shell-x', INHERITED_TOKEN: 'from-the-shell-y', TOKEN: 'zzzzzzzzzzzz' } });
  const [db, ldap] = r.specs.map((container) => check(containerFacts(container)));
  assert.deepEqual(db?.map((i) => [i.evidence, i.at?.line]), [
    ['POSTGRES_PASSWORD=****(15 chars)', 5],
    ['LICENSE_KEY=****(14 chars)', 11],
    ['GIT=ghp_****(40 chars)', 12],
  ]);
  assert.match(db?.[2]?.message ?? '', /GitHub token/);
  // `${VAR}` (set or defaulted), `NAME` alone and *_FILE are not literals.
  assert.deepEqual(ldap?.map((i) => [i.evidence, i.at?.line]), [['LDAP_ROOTPASS=****(17 chars)', 16]]);
  assert.ok(!JSON.stringify([db, ldap]).includes('Sup3r-S3cret'));
});

test('docker run -e: a literal value is judged, a $VAR or a bare NAME is not', () => {
  const run = containerFromRunArgs(['docker', 'run', '-e', 'API_TOKEN=q8Zr2LmX9vPa', '-e', 'DB_PASSWORD=$DB_PASSWORD', '-e', 'SECRET_KEY', 'nginx'], { env: { SECRET_KEY: 'abcdefgh1234' } });
  assert.deepEqual(check(containerFacts(run.spec)).map((i) => i.evidence), ['API_TOKEN=****(12 chars)']);
});

test('not applicable to a running container, whose environment also holds the image ENV', () => {
  const out = rule.check(containerFacts({ env: ['DB_PASSWORD=hunter2hunter2'] }));
  assert.ok(isNotApplicable(out));
});
