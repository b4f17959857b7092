import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { docker, ensureTestImages, IMAGES, TEST_LABEL } from '../../../test/support/engine.ts';
import { MoatError } from '../../util/errors.ts';
import { containerFromInspect } from '../engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../engine/inspect-schema.ts';
import { containerFromCreateRequest } from './create-request.ts';
import { foldName } from '../../util/go-json.ts';

const prefix = `moat-test-req-${process.pid}`;
const made: string[] = [];

/** POSTs a raw body to the real engine's create endpoint, as a hostile client would. */
function rawCreate(name: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: '/var/run/docker.sock', path: `/v1.41/containers/create?name=${name}`, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(ensureTestImages);
after(async () => {
  if (made.length) await docker('rm', '-f', '-v', ...made).catch(() => undefined);
});

const img = `"Image":"${IMAGES.plain}","Labels":{"${TEST_LABEL.split('=')[0]}":"1"}`;

/** Bodies crafted to slip past a naive reader; each is created on the real engine and the door must see what the engine applied. */
const TRICKS: Array<{ name: string; body: string; check: (s: ReturnType<typeof containerFromCreateRequest>['spec']) => void }> = [
  { name: 'top-level', body: `{${img},"Privileged":true}`, check: (s) => assert.equal(s.privileged, true) },
  { name: 'case', body: `{${img},"hostconfig":{"PRIVILEGED":true,"capadd":["cap_SYS_admin"]}}`, check: (s) => (assert.equal(s.privileged, true), assert.deepEqual(s.capAdd, ['SYS_ADMIN'])) },
  { name: 'dup-merge', body: `{${img},"HostConfig":{"Privileged":true},"HostConfig":{"Memory":67108864}}`, check: (s) => (assert.equal(s.privileged, true), assert.equal(s.resources.memory, 67108864)) },
  { name: 'capadd-string', body: `{${img},"HostConfig":{"CapAdd":"sys_admin"}}`, check: (s) => assert.deepEqual(s.capAdd, ['SYS_ADMIN']) },
  { name: 'slice-reuse', body: `{${img},"HostConfig":{"Mounts":[{"Type":"bind","Source":"/etc","Target":"/h"}]},"HostConfig":{"Mounts":[{"Target":"/x"}]}}`, check: (s) => assert.deepEqual(s.mounts.map((m) => [m.type, m.source, m.target]), [['bind', '/etc', '/x']]) },
  {
    name: 'slice-capacity',
    body: `{${img},"HostConfig":{"Mounts":[{"Type":"volume","Target":"/a"},{"Type":"bind","Source":"/etc","Target":"/h"}]},"HostConfig":{"Mounts":[{"Type":"volume","Target":"/a"}]},"HostConfig":{"Mounts":[{"Type":"volume","Target":"/a"},{"Target":"/h2"}]}}`,
    // The second element was truncated away and comes back from the slice's capacity (golang/go#21092).
    // Sorted: inspect lists mounts in the engine's map order, which varies between runs.
    check: (s) =>
      assert.deepEqual(
        s.mounts.map((m) => [m.type, m.type === 'bind' ? m.source : '', m.target]).sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
        [['volume', '', '/a'], ['bind', '/etc', '/h2']],
      ),
  },
  { name: 'long-s', body: `{${img},"HostConfig":{"Bind\\u017f":["/etc:/h:ro"]}}`, check: (s) => assert.deepEqual(s.mounts.map((m) => [m.source, m.target, m.readOnly]), [['/etc', '/h', true]]) },
  { name: 'null-resets-pointer', body: `{${img},"HostConfig":{"Privileged":true},"HostConfig":null}`, check: (s) => assert.equal(s.privileged, false) },
  { name: 'null-keeps-bool', body: `{${img},"HostConfig":{"Privileged":true,"Privileged":null}}`, check: (s) => assert.equal(s.privileged, true) },
  { name: 'legacy-memory', body: `{${img},"Privileged":true,"Memory":67108864,"HostConfig":{}}`, check: (s) => (assert.equal(s.privileged, false), assert.equal(s.resources.memory, 67108864)) },
  { name: 'escaped-key', body: `{${img},"HostConfig":{"\\u0050rivileged":true,"PidMode":"host"}}`, check: (s) => (assert.equal(s.privileged, true), assert.equal(s.namespaces.pid, 'host')) },
];

for (const t of TRICKS) {
  test(`reads a create body as dockerd does: ${t.name}`, async () => {
    const name = `${prefix}-${t.name}`;
    made.push(name);
    const res = await rawCreate(name, t.body);
    assert.equal(res.status, 201, res.text);
    const raw = JSON.parse(await docker('inspect', name)) as unknown[];
    const engine = containerFromInspect(parseEngine(ContainerInspectSchema, raw[0], name));
    t.check(engine);
    const door = containerFromCreateRequest(t.body, { query: `name=${name}` });
    t.check(door.spec);
    assert.equal(door.spec.name, name);
  });
}

test('says what was odd about a tricky body, and locates fields as written', () => {
  const r = containerFromCreateRequest('{"Image":"x","hostconfig":{"PRIVILEGED":true},"hostconfig":{}}');
  assert.deepEqual(r.spec.where.privileged, { path: 'hostconfig.PRIVILEGED' });
  assert.ok(r.warnings.some((w) => /case-insensitively/.test(w.message)));
  assert.ok(r.warnings.some((w) => /repeats/.test(w.message)));
  assert.deepEqual(containerFromCreateRequest('{"Image":"x","Privileged":true}').warnings.map((w) => w.at), [{ path: 'Privileged' }]);
});

test('fails closed on anything it cannot read', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['{"Image":"x"} {"HostConfig":{"Privileged":true}}', /end of file expected|after the JSON/],
    ['{"Image":"x",}', /property name expected|value expected/],
    ['{"Image":"x" /* c */}', /invalid|expected/],
    ['{"HostConfig":{"Privileged":"true"}}', /HostConfig\.Privileged: expected a boolean/],
    ['{"HostConfig":{"Memory":1.5}}', /HostConfig\.Memory: expected an integer, found 1\.5/],
    ['{"HostConfig":{"Memory":1e9}}', /expected an integer/],
    ['{"HostConfig":{"Memory":99999999999999999999}}', /64-bit/],
    ['{"HostConfig":{"CapAdd":[1]}}', /CapAdd\[0\]: expected a string/],
    ['{"HostConfig":{"Binds":["relative/x:/y"]}}', /Binds\[0\].*neither an absolute host path nor a volume name/],
    ['{"HostConfig":{"Mounts":[{"Type":"BIND","Source":"/","Target":"/h"}]}}', /Mounts\[0\]\.Type: unknown mount type/],
    ['{"HostConfig":{"PortBindings":{"eighty":[]}}}', /is not a port/],
    ['[]', /expected an object/],
    ['['.repeat(20000) + ']'.repeat(20000), /nests deeper/],
  ];
  for (const [body, re] of bad) {
    assert.throws(() => containerFromCreateRequest(body), (e: unknown) => e instanceof MoatError && e.kind === 'config' && re.test(e.message) && !e.message.includes('\n'), body.slice(0, 60));
  }
});

test('reads bytes, invalid UTF-8 included, as Go does', () => {
  const bytes = new Uint8Array([...Buffer.from('{"Image":"x\xff","HostConfig":{"Privileged":true}}', 'latin1')]);
  const r = containerFromCreateRequest(bytes);
  assert.equal(r.spec.privileged, true);
  assert.equal(r.spec.image, 'x\uFFFD');
});

test("folds field names as Go's encoding/json does", () => {
  assert.equal(foldName('hostConfig'), 'HOSTCONFIG');
  assert.equal(foldName('Bind\u017f'), 'BINDS');
  assert.equal(foldName('\u212Aernel'), 'KERNEL');
  assert.equal(foldName('stra\u00dfe'), 'STRA\u00dfE');
});

test('maps binds, tmpfs, anonymous volumes, ports, networks and defaults', () => {
  const body = JSON.stringify({
    Image: 'x', User: '0', Volumes: { '/anon': {} }, Healthcheck: { Test: ['NONE'] },
    HostConfig: {
      Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro', 'vol:/v'], Tmpfs: { '/run': 'ro,size=1m' }, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }], '53/udp': [{ HostPort: '53' }] },
      SecurityOpt: ['seccomp=unconfined', 'no-new-privileges=1'], PidsLimit: -1, RestartPolicy: { Name: 'always' },
    },
    NetworkingConfig: { EndpointsConfig: { front: {}, back: {} } },
  });
  const s = containerFromCreateRequest(body).spec;
  assert.deepEqual(s.mounts.map((m) => [m.type, m.source, m.target, m.readOnly]), [['bind', '/var/run/docker.sock', '/var/run/docker.sock', true], ['volume', 'vol', '/v', false], ['tmpfs', '', '/run', true], ['volume', '', '/anon', false]]);
  assert.deepEqual(s.ports.map((p) => [p.containerPort, p.protocol, p.hostIp, p.hostPort, p.hostPortEnd]), [[80, 'tcp', '', 8000, 8010], [53, 'udp', '', 53, undefined]]);
  assert.equal(s.security.seccomp, 'unconfined');
  assert.equal(s.security.noNewPrivileges, true);
  assert.deepEqual(s.networks, ['front', 'back']);
  assert.equal(s.namespaces.network, 'default');
  assert.deepEqual(s.healthcheck, { test: ['NONE'], disabled: true });
  assert.equal(s.restartPolicy.name, 'always');
  assert.equal(s.user, '0');
  assert.deepEqual(s.where['resources.pidsLimit'], { path: 'HostConfig.PidsLimit' });
});

test('MaskedPaths and ReadonlyPaths: absent or null are the defaults, [] is none (as dockerd applies them)', () => {
  const read = (hc: Record<string, unknown>) => containerFromCreateRequest(JSON.stringify({ Image: 'x', HostConfig: hc })).spec;
  assert.equal(read({}).systemPaths, undefined);
  assert.equal(read({ MaskedPaths: null, ReadonlyPaths: null }).systemPaths, undefined);
  assert.deepEqual(read({ maskedpaths: [], READONLYPATHS: [] }).systemPaths, { masked: [], readonly: [] });
  const partial = read({ ReadonlyPaths: ['/proc/bus'] });
  assert.deepEqual(partial.systemPaths, { readonly: ['/proc/bus'] });
  assert.deepEqual(partial.where.systemPaths, { path: 'HostConfig.ReadonlyPaths' });
});

test("a volume mount's driver options are kept, and a local bind or overlay becomes the binds it makes", () => {
  const { spec } = containerFromCreateRequest(JSON.stringify({
    Image: 'x',
    HostConfig: { Mounts: [
      { Type: 'volume', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'ext4', device: '/dev/vda' } } } },
      { Type: 'volume', Target: '/o', VolumeOptions: { driverconfig: { Options: { type: 'overlay', device: 'overlay', o: 'lowerdir=/:/srv,upperdir=/tmp/u,workdir=/tmp/w' } } } },
    ] },
  }));
  assert.deepEqual(spec.mounts[0]?.volume, { driver: 'local', options: { type: 'ext4', device: '/dev/vda' } });
  assert.deepEqual(spec.mounts[0]?.at, { path: 'HostConfig.Mounts[0].VolumeOptions.DriverConfig' });
  assert.deepEqual(spec.mounts.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.readOnly ? 'ro' : 'rw'}`), ['/:ro', '/srv:ro', '/tmp/u:rw', '/tmp/w:rw']);
});

test('labels, sysctls and volume options read as plain objects with every key its own, __proto__ too', () => {
  const body = '{"Image":"x","Labels":{"__proto__":"p","a":"1","constructor":"c"},"HostConfig":{"Sysctls":{"net.ipv4.ip_forward":"1","__proto__":"s"},"Mounts":[{"Type":"volume","Source":"v","Target":"/v","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"__proto__":"o","device":"/dev/sda"}}}}]}}';
  const { spec } = containerFromCreateRequest(body);
  assert.deepEqual(Object.entries(spec.labels), [['__proto__', 'p'], ['a', '1'], ['constructor', 'c']]);
  assert.equal(Object.getPrototypeOf(spec.labels), Object.prototype);
  assert.deepEqual(Object.entries(spec.sysctls ?? {}), [['net.ipv4.ip_forward', '1'], ['__proto__', 's']]);
  assert.deepEqual(Object.entries(spec.mounts.find((m) => m.target === '/v')?.volume?.options ?? {}), [['__proto__', 'o'], ['device', '/dev/sda']]);
});
