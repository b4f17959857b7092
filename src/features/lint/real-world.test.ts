/**
 * Issue 12 (items 2 to 5): files shaped like the real-world ones that went wrong, each
 * written for its item, linted end to end: every door, rule and note as `moat lint` runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Report } from '../../report/model.ts';
import { lint } from './lint.ts';

const NOW = new Date('2026-11-22T00:00:00Z');
// Assembled at run time: this file itself holds no scanner-triggering literal.
const PASSWORD = 'Zq7' + '-v9Lp2-sK4w';

async function lintFiles(files: Record<string, string>): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'moat-lint-real-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return await lint({ paths: ['.'], cwd: root, now: NOW, env: {} });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const found = (r: Report, rule: string): string[] => r.findings.filter((f) => f.ruleId === rule).map((f) => `${f.subject.name} ${f.location?.file}:${f.location?.line}`);

test('item 2: a version-1 compose file is judged like later versions: privileged and docker.sock are found, not passed', async () => {
  const r = await lintFiles({
    'old/fig.yml': 'db:\n  image: mysql:5.6\n  volume_driver: local\n  cap_add: [ALL]\n',
    'docker-compose.yml': 'proxy:\n  image: jwilder/nginx-proxy\n  ports: ["80:80"]\n  volumes:\n    - /var/run/docker.sock:/tmp/docker.sock:ro\nagent:\n  build: .\n  net: host\n  privileged: true\n  links: [proxy]\n',
  });
  assert.deepEqual(found(r, 'container-docker-socket'), ['proxy docker-compose.yml:5']);
  assert.deepEqual(found(r, 'container-privileged'), ['agent docker-compose.yml:9']);
  assert.deepEqual(found(r, 'container-host-network'), ['agent docker-compose.yml:8']);
  assert.deepEqual(found(r, 'container-dangerous-capabilities'), ['db old/fig.yml:4'], 'fig.yml, the version-1 name, is a compose file');
  assert.ok(!r.warnings?.some((w) => /unknown (top-level|service) key/.test(w.message)), JSON.stringify(r.warnings));
  assert.ok(r.warnings?.some((w) => /^docker-compose\.yml:1:1: version-1 compose file/.test(w.message)));
});

test('item 3: a Makefile with make variables over tabbed backslash lines, unless-stopped in compose, and Dockerfile templates skipped with a note', async () => {
  const r = await lintFiles({
    Makefile: "check_defined = \\\n\t$(strip $(foreach 1,$1, \\\n\t\t$(call __check_defined,$1,$(strip $(value 2)))))\n__check_defined = \\\n\t$(if $(value $1),, \\\n\t  $(error Undefined `$1'$(if $2, ($2))))\n\nrun:\n\t@:$(call check_defined, IMAGE)\n\tdocker run --rm --pid=host $(IMAGE)\n",
    'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      restart_policy:\n        condition: unless-stopped\n',
    'Dockerfile.template': 'FROM alpine:{{ .alpine.version }}\nRUN apk add --no-cache curl\n',
    'variants/Dockerfile': 'FROM %%BASE_IMAGE%%\nRUN true\n',
  });
  // A run line's container has no name of its own.
  assert.deepEqual(found(r, 'container-host-pid'), [' Makefile:10']);
  // Read, and mapped to the engine's unless-stopped (which the restart rule then judges as it judges `restart: unless-stopped`).
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'container-restart-policy').map((f) => [f.location?.line, f.evidence]), [[5, 'RestartPolicy: unless-stopped']]);
  assert.ok(!r.findings.some((f) => f.location?.file?.startsWith('Dockerfile.template') || f.location?.file === 'variants/Dockerfile'));
  const notes = (r.warnings ?? []).map((w) => w.message);
  assert.ok(notes.some((m) => /^1 Dockerfile template found but not linted: .*\(Dockerfile\.template\)$/.test(m)), JSON.stringify(notes));
  assert.ok(notes.some((m) => /^variants\/Dockerfile:1: a Dockerfile template \("%%BASE_IMAGE%%"\), not a Dockerfile: skipped/.test(m)), JSON.stringify(notes));
});

test('item 4: dist-clean, a version under an _AUTH_ name, a simulated install and a port range give no false positives', async () => {
  const r = await lintFiles({
    Dockerfile: 'FROM debian:13.1-slim\nENV DOCKER_AUTH_VERSION 1.5.0\nRUN apt-get update && apt-get install -y --no-install-recommends curl=8.14.1-2 && apt-get dist-clean\nRUN apt-get install -s --no-install-recommends curl=8.14.1-2\nUSER 10001\n',
    'compose.yaml': 'services:\n  rtp:\n    image: media:1\n    ports:\n      - "10000-10499:10000-10499/udp"\n',
  });
  assert.deepEqual(found(r, 'dockerfile-apt-lists'), []);
  assert.deepEqual(found(r, 'dockerfile-secrets'), []);
  assert.deepEqual(found(r, 'dockerfile-apt-no-yes'), []);
  assert.deepEqual(found(r, 'container-ports-all-interfaces'), ['rtp compose.yaml:5']);
});

test('item 5: compound secret names, curl | php, secrets in compose environment: and COPY --from without = are found', async () => {
  const r = await lintFiles({
    Dockerfile: `FROM golang:1.23 AS build\nFROM debian:12.8-slim\nENV LDAP_ROOTPASS=${PASSWORD}\nENV LICENSE_KEY ${PASSWORD}\nRUN curl -sS https://getcomposer.org/installer | php\nCOPY --from build /app /app\n`,
    'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n      FROM_SHELL_PASSWORD: \${DB_PASSWORD}\n  ldap:\n    image: osixia/openldap:1.5.0\n    environment:\n      - LDAP_ADMIN_PASSWORD=${PASSWORD}\n`,
  });
  assert.deepEqual(found(r, 'dockerfile-secrets'), ['Dockerfile Dockerfile:3', 'Dockerfile Dockerfile:4']);
  assert.deepEqual(found(r, 'dockerfile-curl-pipe-shell'), ['Dockerfile Dockerfile:5']);
  assert.deepEqual(found(r, 'dockerfile-flag-value-missing'), ['Dockerfile Dockerfile:6']);
  assert.deepEqual(found(r, 'container-env-secrets'), ['db compose.yaml:5', 'ldap compose.yaml:11']);
  assert.ok(!JSON.stringify(r).includes(PASSWORD), 'a secret reached the report');
});

test('item 3: template lines only make a file a template when it does not parse: a heredoc of Jinja is linted', async () => {
  const r = await lintFiles({
    'jq/Dockerfile': 'FROM debian:12\n{{ if env.variant == "slim" then ( -}}\nRUN true\n{{ ) else "" end -}}\n',
    'heredoc/Dockerfile': 'FROM debian:12\nCOPY <<EOF /etc/app.conf.j2\n{% if debug %}\nlevel = debug\n{% endif %}\nEOF\nUSER root\n',
  });
  assert.ok(r.warnings?.some((w) => /^jq\/Dockerfile:2: a Dockerfile template \("\{\{ if"\)/.test(w.message)), JSON.stringify(r.warnings));
  assert.deepEqual(found(r, 'dockerfile-last-user-root'), ['heredoc/Dockerfile heredoc/Dockerfile:7']);
});
