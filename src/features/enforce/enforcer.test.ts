import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../doors/config/load.ts';
import { containerRules } from '../../knowledge/rules/container/index.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import { containerRule } from '../../models/rule.ts';
import { Enforcer, type Judgement } from './enforcer.ts';
import { imageForms } from '../../models/image-ref.ts';
import type { AuthzRequest } from '../../doors/authz-request/protocol.ts';
import { baselineSpec } from '../../doors/authz-request/requests.ts';
import { containerFromCreateRequest } from '../../doors/authz-request/create-request.ts';

const req = (method: string, uri: string, body?: unknown, headers: Record<string, string> = {}, user = ''): AuthzRequest => {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return { user, method, uri, headers: { 'content-type': 'application/json', ...(text !== undefined ? { 'content-length': String(text.length) } : {}), ...headers }, ...(text !== undefined ? { body: Buffer.from(text) } : {}) };
};
const withPolicy = (yaml: string, now?: Date) => new Enforcer({ config: parseConfig(yaml, '/p/moat.yaml', allRules), ...(now ? { now: () => now } : {}) });
const rules = (j: Judgement, action?: string) => [...new Set(j.findings.filter((f) => !action || f.action === action).map((f) => f.rule))].sort();
const create = (hostConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => req('POST', '/v1.41/containers/create?name=web', { Image: 'nginx', ...extra, HostConfig: hostConfig });

test('a create is judged whole: every finding counts, the default policy denies high and critical', async () => {
  const e = new Enforcer();
  const j = await e.judge(create({ Privileged: true, NetworkMode: 'host' }));
  assert.equal(j.allow, false);
  assert.equal(j.rule, 'container-privileged');
  assert.deepEqual(rules(j, 'deny'), ['container-host-network', 'container-privileged']);
  assert.ok(rules(j, 'log').includes('container-memory-limit'));
  assert.deepEqual(j.subject, { kind: 'container', name: 'web', image: 'nginx' });
  assert.match(j.msg, /^moat: denied: container-privileged \(critical\): .*\[HostConfig\.Privileged\]; container-host-network \(high\)/);
  const ok = await e.judge(create({ NetworkMode: 'none' }));
  assert.equal(ok.allow, true);
  assert.ok(ok.findings.length > 0 && ok.findings.every((f) => f.action === 'log'));
});

test('empty, hidden and unreadable create bodies deny with the reason', async () => {
  const e = new Enforcer();
  const empty = await e.judge(req('POST', '/containers/create', undefined, { 'content-length': '2000000' }));
  assert.equal(empty.rule, 'enforce-hidden-body');
  assert.match(empty.msg, /CVE-2026-34040/);
  assert.equal((await e.judge(req('POST', '/containers/create', ''))).rule, 'enforce-hidden-body');
  for (const body of ['{"Image":"x",}', '{"Image":1}', '{"Image":"x"} {}', '{"HostConfig":{"Mounts":[{"Type":"weird"}]}}', '{"HostConfig":{"Memory":1.5}}']) {
    const j = await e.judge(req('POST', '/containers/create', body));
    assert.equal(j.rule, 'enforce-unreadable', body);
    assert.equal(j.allow, false);
  }
});

test('a local volume bound to a host path inside a create is judged as the bind it is', async () => {
  const j = await new Enforcer().judge(create({ NetworkMode: 'none', Mounts: [{ Type: 'volume', Target: '/s', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', O: 'bind', device: '/var/run' } } } }] }));
  assert.equal(j.rule, 'container-docker-socket');
});

test('an exec is judged as a delta: privileged denies, a plain exec adds nothing', async () => {
  const e = new Enforcer();
  const priv = await e.judge(req('POST', '/v1.41/containers/web/exec', { Privileged: true, Cmd: ['sh'], Env: ['TOKEN=supersecret'] }));
  assert.equal(priv.rule, 'container-exec-privileged');
  assert.deepEqual(rules(priv).filter((r) => priv.findings.some((f) => f.rule === r && f.severity !== 'info')), ['container-exec-privileged'], 'only what the exec adds counts');
  assert.deepEqual(priv.subject, { kind: 'exec', name: 'web' });
  const plain = await e.judge(req('POST', '/v1.41/containers/web/exec', { Cmd: ['ls'], User: 'nobody' }));
  assert.deepEqual([plain.allow, plain.findings.filter((f) => f.severity !== 'info')], [true, []]);
  // As root it is allowed by the default policy (5.24 is medium) but logged with its rule.
  const asRoot = await e.judge(req('POST', '/v1.41/containers/web/exec', { Cmd: ['ls'], User: 'root' }));
  assert.deepEqual([asRoot.allow, rules(asRoot, 'log').filter((r) => r !== 'container-exec-privileged')], [true, ['container-exec-root']]);
  assert.equal((await e.judge(req('POST', '/v1.41/containers/web/exec', undefined, { 'content-length': '90' }))).rule, 'enforce-hidden-body');
});

test('updates, builds, plugins, volumes and networks are judged by what they grant', async () => {
  const e = new Enforcer({ config: parseConfig('enforce:\n  deny: ["severity >= medium"]\n', '/p/moat.yaml', allRules) });
  const cases: Array<[AuthzRequest, string | undefined]> = [
    [req('POST', '/v1.41/containers/web/update', { PidsLimit: -1 }), 'container-pids-limit'],
    [req('POST', '/v1.41/containers/web/update', { Memory: 1 << 30, PidsLimit: 200 }), undefined],
    [req('POST', '/v1.41/build?networkmode=host&t=x'), 'container-host-network'],
    [req('POST', '/v1.41/build?networkmode=default&t=x'), undefined],
    // Installs are refused unless enforce.plugins.allow names them, whatever privilege list is sent.
    [req('POST', '/v1.41/plugins/pull?remote=evil/plugin&name=p', [{ Name: 'network', Value: ['host'] }, { Name: 'mount', Value: ['/var/run/docker.sock'] }]), 'enforce-plugin-not-allowed'],
    [req('POST', '/v1.41/plugins/pull?remote=ok/plugin', []), 'enforce-plugin-not-allowed'],
    [req('POST', '/v1.41/plugins/p/upgrade?remote=x', [{ Name: 'host pid namespace', Value: ['true'] }]), 'enforce-plugin-not-allowed'],
    [req('POST', '/v1.41/plugins/p/set', ['mnt.source=/var/run', 'DEBUG=1']), 'container-docker-socket'],
    [req('POST', '/v1.41/volumes/create', { Name: 'v', Driver: 'local', DriverOpts: { type: 'none', o: 'rbind,ro', device: '/run/docker.sock' } }), 'container-docker-socket'],
    [req('POST', '/v1.41/volumes/create', { Name: 'v', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } }), undefined],
    [req('POST', '/v1.41/networks/create', { Name: 'n', Driver: 'HOST' }), 'container-host-network'],
    [req('POST', '/v1.41/networks/host/connect', { Container: 'web' }), 'container-host-network'],
    [req('POST', '/v1.41/networks/app/connect', { Container: 'web' }), undefined],
    [req('POST', '/v1.23/containers/web/start', { Privileged: true }), 'enforce-legacy-start'],
    [req('POST', '/v1.23/containers/web/start', undefined, { 'content-length': '0' }), undefined],
    [req('POST', '/v1.41/containers/web/start', undefined, { 'content-length': '0' }), undefined],
    [req('POST', '/v1.41/plugins/create?name=x', undefined, { 'content-type': 'application/x-tar' }), 'enforce-plugin-not-allowed'],
    // Go's ParseForm reads a form-encoded body's values before the query's: not shown to plugins, so refused.
    [req('POST', '/v1.41/build?networkmode=none', undefined, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }), 'enforce-unreadable'],
    [req('POST', '/v1.41/build?networkmode=none;&networkmode=host'), 'container-host-network'],
    // Without a daemon to ask (a dry run), starts and enables are not judged.
    [req('POST', '/v1.41/exec/abc/start', {}), undefined],
    [req('GET', '/v1.41/containers/json'), undefined],
  ];
  for (const [r, rule] of cases) {
    const j = await e.judge(r);
    assert.equal(j.rule, rule, `${r.method} ${r.uri}: ${j.msg}`);
    assert.equal(j.allow, rule === undefined, `${r.method} ${r.uri}`);
  }
});

test('enforce.plugins: installs only by the allow list, by name and, when given, by digest', async () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const e = withPolicy(`enforce:
  plugins:
    allow:
      - name: "vieux/sshfs*"
        reason: storage team
      - name: "docker.io/acme/net"
        digest: "${digest}"
        reason: pinned
`);
  const cases: Array<[string, string | undefined]> = [
    ['/v1.41/plugins/pull?remote=vieux/sshfs:latest&name=sshfs', undefined],
    ['/v1.41/plugins/pull?remote=vieux/sshfs', undefined],
    ['/v1.41/plugins/pull?remote=evil/plugin&name=vieux/sshfs', 'enforce-plugin-not-allowed'],
    ['/v1.41/plugins/pull?remote=acme/net', 'enforce-plugin-not-allowed'],
    [`/v1.41/plugins/pull?remote=acme/net@${digest}`, undefined],
    [`/v1.41/plugins/pull?remote=acme/net@sha256:${'b'.repeat(64)}`, 'enforce-plugin-not-allowed'],
    ['/v1.41/plugins/create?name=vieux/sshfs:next', undefined],
    ['/v1.41/plugins/sshfs/upgrade?remote=evil/plugin', 'enforce-plugin-not-allowed'],
  ];
  for (const [uri, rule] of cases) {
    const j = await e.judge(req('POST', uri, [{ Name: 'a', Value: [] }]));
    assert.equal(j.rule, rule, `${uri}: ${j.msg}`);
  }
  const bad = (yaml: string) => assert.throws(() => parseConfig(yaml, '/p/moat.yaml', allRules), /moat\.yaml:\d+:\d+/);
  bad('enforce:\n  plugins:\n    allow:\n      - name: x\n        digest: sha256:abc\n        reason: r\n');
  bad('enforce:\n  plugins:\n    allow:\n      - name: x\n');
  bad('enforce:\n  plugins:\n    alow: []\n');
});

test('enforce.build: network modes, cgroupparent and extrahosts by policy, read as dockerd reads the query', async () => {
  const e = withPolicy('enforce:\n  build:\n    networks: [default, none]\n    cgroupparent: deny\n    extrahosts: deny\n');
  const cases: Array<[string, string | undefined]> = [
    ['/v1.41/build?t=x', undefined],
    ['/v1.41/build?networkmode=none', undefined],
    ['/v1.41/build?networkmode=bridge', 'enforce-build-policy'],
    ['/v1.41/build?networkmode=none%&networkmode=mynet', 'enforce-build-policy'],
    ['/v1.41/build?cgroupparent=/system.slice', 'enforce-build-policy'],
    ['/v1.41/build?extrahosts=%5B%22a%3A1.2.3.4%22%5D', 'enforce-build-policy'],
  ];
  for (const [uri, rule] of cases) assert.equal((await e.judge(req('POST', uri))).rule, rule, uri);
  assert.match((await e.judge(req('POST', '/v1.41/build?networkmode=bridge'))).msg, /networkmode="bridge" is not in enforce\.build\.networks \(default, none\) \(\/p\/moat\.yaml:3:\d+\)/);
});

test('exceptions by image, label and user let a denial through, until they expire', async () => {
  const policy = `enforce:
  exceptions:
    - image: "docker.io/portainer/*"
      rules: [container-docker-socket, container-breakout-path]
      reason: portainer
    - label: team=infra
      reason: infra
      expires: 2026-12-31
    - user: "ops-*"
      rules: ["5.5"]
      reason: ops
`;
  const before = withPolicy(policy, new Date('2026-12-31T23:00:00Z'));
  const sock = { NetworkMode: 'none', Binds: ['/var/run/docker.sock:/s'] };
  const portainer = await before.judge(create(sock, { Image: 'portainer/agent:2' }));
  assert.equal(portainer.allow, true);
  // The breakout-path finding the socket gives is a verdict of its own: an exception must name it too (fail closed).
  assert.deepEqual(rules(portainer, 'excepted'), ['container-breakout-path', 'container-docker-socket']);
  assert.match(portainer.findings.find((f) => f.action === 'excepted')?.exception ?? '', /^portainer \(\/p\/moat\.yaml:3:7\)$/);
  assert.equal((await before.judge(create(sock, { Image: 'evil/portainer' }))).allow, false);
  assert.equal((await before.judge(create({ Privileged: true }, { Labels: { team: 'infra' } }))).allow, true);
  assert.equal((await before.judge(create({ Privileged: true }, { Labels: { team: 'web' } }))).allow, false);
  assert.equal((await before.judge({ ...create({ Privileged: true, NetworkMode: 'none' }), user: 'ops-anna' })).allow, true);
  assert.equal((await before.judge({ ...create({ Privileged: true, NetworkMode: 'host' }), user: 'ops-anna' })).allow, false, 'the user exception covers 5.5 only');
  const after = withPolicy(policy, new Date('2027-01-01T00:00:00Z'));
  assert.equal((await after.judge(create({ Privileged: true }, { Labels: { team: 'infra' } }))).allow, false, 'expired');
});

test('the log list demotes, severity overrides re-rate, a selected-out rule is silent', async () => {
  const e = withPolicy('rules:\n  disable: [container-host-network]\n  severity:\n    container-memory-limit: critical\nenforce:\n  log: [container-privileged]\n');
  const j = await e.judge(create({ Privileged: true, NetworkMode: 'host' }));
  assert.equal(j.rule, 'container-memory-limit');
  assert.equal(j.findings.find((f) => f.rule === 'container-privileged')?.action, 'log');
  assert.ok(!rules(j).includes('container-host-network'));
});

test('a rule that throws denies (fail closed), environment values never reach messages', async () => {
  const leaky = containerRule({
    meta: { id: 'container-test-echo', target: 'container', title: 'Test fixture: echoes env', check: 'Test fixture: env echoed', severity: 'high', rationale: 'a fixture rule that repeats the environment', remediation: 'none needed' },
    check: ({ container }) => container.env.map((x) => ({ message: `env ${x}` })),
  });
  const thrower = containerRule({ meta: { ...leaky.meta, id: 'container-test-throw' }, check: () => { throw new Error('kaput'); } });
  const echo = await new Enforcer({ rules: [leaky] }).judge(create({}, { Env: ['TOKEN=supersecretvalue'] }));
  assert.doesNotMatch(JSON.stringify(echo), /supersecretvalue/);
  assert.match(echo.msg, /env TOKEN=\*\*\*\*\(16 chars\)/);
  const broken = await new Enforcer({ rules: [...containerRules, thrower] }).judge(create({ NetworkMode: 'none' }));
  assert.equal(broken.allow, false);
  assert.equal(broken.rule, 'enforce-rule-error');
  assert.match(broken.msg, /rule container-test-throw failed: kaput/);
});

test('image references match exceptions as written and fully qualified', () => {
  assert.deepEqual(imageForms('nginx'), ['nginx', 'docker.io/library/nginx:latest']);
  assert.deepEqual(imageForms('portainer/agent:2'), ['portainer/agent:2', 'docker.io/portainer/agent:2']);
  assert.deepEqual(imageForms('registry.local:5000/a/b'), ['registry.local:5000/a/b', 'registry.local:5000/a/b:latest']);
  assert.deepEqual(imageForms('alpine@sha256:abc'), ['alpine@sha256:abc', 'docker.io/library/alpine@sha256:abc']);
});

test('enforce.allow lets a host allow an nfs volume and a named device; a link named like it but leading to /dev/null is judged by its node', async () => {
  const e = new Enforcer({ config: parseConfig('enforce:\n  deny: ["severity >= medium"]\n  allow:\n    volume-types: [nfs]\n    devices: [/dev/null]\n', '/p/moat.yaml', allRules) });
  const safe = { NetworkMode: 'none', Memory: 1 << 26, CpuShares: 512, PidsLimit: 50, ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] };
  const healthy = { User: '1000', Healthcheck: { Test: ['CMD', '/ok'] } };
  const nfs = await e.judge(create({ ...safe, Mounts: [{ Type: 'volume', Target: '/s', VolumeOptions: { DriverConfig: { Options: { type: 'nfs', device: ':/export', o: 'addr=10.0.0.1' } } } }] }, healthy));
  assert.equal(nfs.findings.some((f) => f.rule === 'container-local-volume'), false, nfs.msg);
  const cifs = await e.judge(create({ ...safe, Mounts: [{ Type: 'volume', Target: '/s', VolumeOptions: { DriverConfig: { Options: { type: 'cifs', device: '//srv/x' } } } }] }, healthy));
  assert.equal(cifs.rule, 'container-local-volume');
  const allowedDevice = await e.judge(create({ ...safe, Devices: [{ PathOnHost: '//dev/./null', PathInContainer: '/dev/n', CgroupPermissions: 'rw' }] }, healthy));
  assert.equal(allowedDevice.findings.some((f) => f.rule === 'container-host-devices'), false, allowedDevice.msg);
  const zero = await e.judge(create({ ...safe, Devices: [{ PathOnHost: '/dev/zero', PathInContainer: '/dev/z', CgroupPermissions: 'rw' }] }, healthy));
  assert.ok(zero.findings.some((f) => f.rule === 'container-host-devices'), 'a device not on the list is still reported');
});

test('a read is decided at once, a create through a promise, and judge() gives the same decisions', async () => {
  const e = new Enforcer();
  const read: AuthzRequest = { user: '', method: 'GET', uri: '/v1.41/containers/json?all=1', headers: {} };
  const now = e.judgeNow(read);
  assert.ok(!(now instanceof Promise), 'nothing outside the process is needed for a read');
  assert.equal(now.allow, true);
  const create: AuthzRequest = { user: '', method: 'POST', uri: '/v1.41/containers/create', headers: {}, body: Buffer.from('{"Image":"x","HostConfig":{"Privileged":true}}') };
  const later = e.judgeNow(create);
  assert.ok(later instanceof Promise);
  const [j, viaJudge] = [await later, await e.judge(create)];
  assert.equal(j.rule, 'container-privileged');
  assert.deepEqual({ ...j, route: undefined }, { ...viaJudge, route: undefined });
  const bad = e.judgeNow({ user: '', method: 'POST', uri: '/v1.41/containers%ZZ/create', headers: {} });
  assert.ok(!(bad instanceof Promise));
  assert.match(bad.msg, /invalid percent-encoding/);
});

test("an exec's delta runs only the rules that read execs: every other container rule never reads them", () => {
  // The shortcut in judgeSubject (RequestSubject.changes) holds only while `needs: ['execs']` names every rule that reads them.
  const execs = [{ id: 'e1', user: 'root', privileged: true, command: ['sh', '-c', 'curl --password=hunter22 x'], running: true }];
  const specs = [baselineSpec(), containerFromCreateRequest(JSON.stringify({ Image: 'nginx', User: '', HostConfig: { Privileged: true, Binds: ['/var/run/docker.sock:/s'], PidMode: 'host', CapAdd: ['ALL'] } })).spec];
  const reading = new Set<string>();
  for (const spec of specs) {
    for (const rule of containerRules) {
      const facts = new Proxy({ container: spec, execs }, { get: (t, k) => (k === 'execs' && reading.add(rule.meta.id), Reflect.get(t, k)) });
      rule.check(facts);
    }
  }
  const declared = containerRules.filter((r) => r.meta.needs?.includes('execs')).map((r) => r.meta.id);
  assert.deepEqual([...reading].sort(), declared.sort());
  assert.ok(declared.length >= 2);
});
