import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoatError } from '../../util/errors.ts';
import { interpolate } from './interpolate.ts';
import { containersFromCompose } from './project.ts';

test('interpolates as compose does', () => {
  const vars = { A: 'a', E: '' };
  assert.equal(interpolate('${A}-$A-${B:-d}-${E:-d}-${E-d}-${B-x${A}}-$$A-${A:+alt}-${B+alt}', vars).value, 'a-a-d-d--xa-$A-alt-');
  assert.deepEqual(interpolate('${B}', vars).unset, ['B']);
  assert.throws(() => interpolate('${E:?must be set}', vars), /required variable E is empty: must be set/);
  assert.throws(() => interpolate('${B?}', vars), /required variable B is not set/);
  assert.throws(() => interpolate('cost 5$ ', vars), /invalid "\$"/);
  assert.throws(() => interpolate('${A', vars), /unclosed/);
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'moat-compose-unit-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('include, extends chains, merge keys, profiles and the shell over .env', () => {
  const dir = project({
    '.env': 'IMG=from-dotenv\nTAG=1\n',
    'common.yaml': 'services:\n  root:\n    image: r\n    cap_add: [CHOWN]\n    ports: ["127.0.0.1:1:1"]\n  mid:\n    extends: root\n    cap_add: [NET_ADMIN]\n',
    'inc.yaml': 'services:\n  side:\n    image: side\n    privileged: true\n',
    'compose.yaml': 'include: [inc.yaml]\nx-base: &base\n  read_only: true\nservices:\n  app:\n    <<: *base\n    extends: {file: common.yaml, service: mid}\n    image: ${IMG}:${TAG}\n    ports: ["127.0.0.1:2:2"]\n    environment: [A=1]\n  tool:\n    image: t\n    profiles: [tools]\n',
  });
  try {
    const text = 'include: [inc.yaml]\nx-base: &base\n  read_only: true\nservices:\n  app:\n    <<: *base\n    extends: {file: common.yaml, service: mid}\n    image: ${IMG}:${TAG}\n    ports: ["127.0.0.1:2:2"]\n    environment: [A=1]\n  tool:\n    image: t\n    profiles: [tools]\n';
    const r = containersFromCompose(text, { file: join(dir, 'compose.yaml'), env: { IMG: 'from-shell' }, profiles: [] });
    assert.deepEqual(r.specs.map((s) => s.name), ['side', 'app']);
    const app = r.specs[1];
    assert.equal(app?.image, 'from-shell:1', 'the shell environment wins over .env');
    assert.deepEqual(app?.capAdd, ['CHOWN', 'NET_ADMIN']);
    assert.deepEqual(app?.ports.map((p) => p.hostPort), [1, 2]);
    assert.equal(app?.readOnlyRootfs, true);
    assert.deepEqual(app?.where.capAdd, { file: join(dir, 'common.yaml'), line: 8, column: 5 }, 'merged lists point at the service that extended');
    assert.equal(r.project, dir.split('/').pop()?.toLowerCase().replace(/[^a-z0-9_-]/g, ''));
    assert.deepEqual(containersFromCompose(text, { file: join(dir, 'compose.yaml'), profiles: ['tools'] }).specs.map((s) => s.name), ['side', 'app', 'tool']);
    assert.equal(r.specs[0]?.privileged, true);
    assert.equal(r.specs[0]?.where.privileged?.file, join(dir, 'inc.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gives located one-line errors for malformed files', () => {
  const dir = project({ 'loop.yaml': 'include: [loop.yaml]\nservices: {}\n' });
  try {
    const bad: Array<[string, RegExp]> = [
      ['services:\n  a:\n    image: x\n    privileged: maybe\n', /c\.yaml:4:5: privileged must be true or false, found string "maybe"/],
      ['services:\n  a:\n    image: x\n  a:\n    image: y\n', /c\.yaml:4:3: invalid YAML: Map keys must be unique/],
      ['services:\n  a: [1]\n', /c\.yaml:2:3: a service must be a mapping/],
      ['services:\n  a:\n    build: .\n    ports: ["99999:80"]\n', /c\.yaml:4:13: ports: host port "99999" is out of range/],
      ['services:\n  a:\n    image: x\n    volumes: ["db:/d"]\n', /named volume "db" is not declared/],
      ['services:\n  a:\n    image: x\n    networks: [nope]\n', /network "nope", which the top-level networks: does not define/],
      ['services:\n  a:\n    privileged: true\n', /c\.yaml:2:3: service a has neither an image nor a build context/],
      ['services:\n  a:\n    image: ${REQ:?set REQ}\n', /c\.yaml:3:12: required variable REQ is not set: set REQ/],
      ['services:\n  a:\n    extends: a\n    image: x\n', /extends itself/],
      ['include: [loop.yaml]\n', /includes itself/],
      ['include: [missing.yaml]\n', /missing\.yaml does not exist/],
      ['a: &a [*a]\n', /invalid YAML|alias/i],
      ['x: &a [1,1,1,1,1,1,1,1,1,1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nw: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nv: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nu: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n', /more than 200000 values/],
    ];
    for (const [text, re] of bad) {
      assert.throws(() => containersFromCompose(text, { file: join(dir, 'c.yaml'), env: {} }), (e: unknown) => e instanceof MoatError && re.test(e.message) && !e.message.includes('\n'), text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('warns about unknown keys but not x- extensions, and unset variables', () => {
  const r = containersFromCompose('services:\n  a:\n    image: x${NOPE}\n    privilegd: true\n    x-team: core\n', { file: '/nonexistent/c.yaml', cwd: '/nonexistent', env: {} });
  assert.deepEqual(r.warnings.map((w) => [w.message.split(' (')[0], w.at?.line]), [['the NOPE variable is not set: read as an empty string', 3], ['unknown service key "privilegd" in service a', 4]]);
});

test('build, network_mode, long syntax and deploy limits', () => {
  const r = containersFromCompose(
    'name: p\nservices:\n  a:\n    build: {context: ./app, dockerfile: Dockerfile.dev}\n    network_mode: "service:b"\n    devices: [{source: /dev/fuse, target: /dev/fuse, permissions: rw}]\n    deploy: {resources: {limits: {memory: 1g, pids: 10}}, restart_policy: {condition: on-failure, max_attempts: 3}}\n    healthcheck: {test: "curl -f localhost"}\n    sysctls: [net.core.somaxconn=1024]\n    use_api_socket: true\n  b:\n    image: b\n',
    { file: '/srv/c.yaml', env: {} },
  );
  const a = r.specs[0];
  assert.equal(a?.image, 'p-a');
  assert.deepEqual(a?.build, { context: '/srv/app', dockerfile: 'Dockerfile.dev' });
  assert.equal(a?.namespaces.network, 'container:p-b-1');
  assert.deepEqual(a?.networks, []);
  assert.deepEqual(a?.devices.map((d) => [d.hostPath, d.permissions]), [['/dev/fuse', 'rw']]);
  assert.equal(a?.resources.memory, 1024 ** 3);
  assert.equal(a?.resources.pidsLimit, 10);
  assert.deepEqual(a?.restartPolicy, { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(a?.healthcheck, { test: ['CMD-SHELL', 'curl -f localhost'], disabled: false });
  assert.deepEqual(a?.sysctls, { 'net.core.somaxconn': '1024' });
  assert.equal(a?.mounts[0]?.source, '/var/run/docker.sock');
  assert.deepEqual(r.specs[1]?.networks, ['p_default']);
});

test('a version-1 file (services at the top level) is read like later versions: net, links, volumes_from, cap_add, privileged, docker.sock', () => {
  const v1 = [
    'web:',
    '  build: ./web',
    '  dockerfile: Dockerfile.prod',
    '  net: host',
    '  links: [db]',
    '  privileged: true',
    '  log_driver: syslog',
    'db:',
    '  image: postgres:9.6',
    '  cap_add: [SYS_ADMIN]',
    '  volumes:',
    '    - /var/run/docker.sock:/var/run/docker.sock',
    '    - pgdata:/var/lib/postgresql/data',
    '  volumes_from: [web]',
    'cache:',
    '  image: redis',
    '  net: "container:db"',
    '',
  ].join('\n');
  const r = containersFromCompose(v1, { file: '/srv/legacy/docker-compose.yml', env: {} });
  const [web, db, cache] = r.specs;
  assert.deepEqual(r.specs.map((s) => s.name), ['web', 'db', 'cache']);
  assert.equal(web?.privileged, true);
  assert.deepEqual(web?.where.privileged, { file: '/srv/legacy/docker-compose.yml', line: 6, column: 3 });
  assert.equal(web?.namespaces.network, 'host');
  assert.deepEqual(web?.build, { context: '/srv/legacy/web', dockerfile: 'Dockerfile.prod' });
  assert.deepEqual(db?.capAdd, ['SYS_ADMIN']);
  assert.deepEqual(db?.mounts.map((m) => [m.type, m.source, m.target]), [['bind', '/var/run/docker.sock', '/var/run/docker.sock'], ['volume', 'pgdata', '/var/lib/postgresql/data']]);
  assert.equal(db?.namespaces.network, 'bridge', 'version 1 had no project network: the default bridge');
  assert.equal(cache?.namespaces.network, 'container:db');
  assert.ok(r.warnings.some((w) => /version-1 compose file/.test(w.message) && w.at?.line === 1));
  assert.ok(r.warnings.some((w) => /volumes_from of service db/.test(w.message)));
  assert.ok(!r.warnings.some((w) => /unknown (top-level|service) key/.test(w.message)), JSON.stringify(r.warnings));
});

test('a file without services: whose top-level mappings are not services is not taken for version 1', () => {
  const r = containersFromCompose('networks:\n  front: {}\nweb:\n  restart: always\n', { file: '/srv/c.yaml', env: {} });
  assert.deepEqual(r.specs, []);
  assert.ok(r.warnings.some((w) => /unknown top-level key "web"/.test(w.message)));
});

test('issue 12: deploy.restart_policy.condition: unless-stopped is accepted and becomes the engine policy unless-stopped', () => {
  const r = containersFromCompose('services:\n  a:\n    image: x\n    deploy:\n      restart_policy:\n        condition: unless-stopped\n', { file: '/srv/c.yaml', env: {} });
  assert.deepEqual(r.specs[0]?.restartPolicy, { name: 'unless-stopped', maxRetries: 0 });
  assert.throws(() => containersFromCompose('services:\n  a:\n    image: x\n    deploy: {restart_policy: {condition: sometimes}}\n', { file: '/srv/c.yaml', env: {} }), /c\.yaml:4:31: invalid restart condition "sometimes"/);
});

test('hostile input: ${X:- nested 20,000 deep and a .env that doubles a variable 63 times are located errors, in bounded time', () => {
  const deep = `services:\n  a:\n    image: "${'${X:-'.repeat(20_000)}x${'}'.repeat(20_000)}"\n`;
  const t0 = performance.now();
  assert.throws(() => containersFromCompose(deep, { file: 'c.yaml', cwd: '/nonexistent', env: {} }), (e: unknown) => e instanceof MoatError && /^c\.yaml:3:12: variables nest more than 100 levels deep/.test(e.message));
  const lines = ['A0=xxxxxxxx', ...Array.from({ length: 63 }, (_, i) => `A${i + 1}=\${A${i}}\${A${i}}`)];
  const dir = project({ '.env': `# doubling\n${lines.join('\n')}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    environment: {V: "${A63}"}\n' });
  try {
    assert.throws(() => containersFromCompose('services:\n  a:\n    image: x\n    environment: {V: "${A63}"}\n', { file: join(dir, 'compose.yaml'), env: {} }), (e: unknown) => e instanceof MoatError && e.message.startsWith(`${join(dir, '.env')}:20: A18: the value grows past 1 MiB`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(performance.now() - t0 < 5000, `${(performance.now() - t0).toFixed(0)} ms`);
});

test('services at the top level beside version: "2" and volumes: are read too, never passed in silence', () => {
  const r = containersFromCompose('version: "2"\nvolumes:\n  data: {}\napp:\n  image: x\n  privileged: true\n  volumes: ["data:/d"]\n', { file: '/srv/p/c.yaml', env: {} });
  assert.deepEqual(r.specs.map((s) => [s.name, s.privileged, s.mounts[0]?.source]), [['app', true, 'p_data']]);
});
