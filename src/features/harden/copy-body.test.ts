/**
 * Copies are made from a real container's inspect answer and created (not started) on the
 * real engine, so what is asserted is what the engine accepted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../doors/engine/client.ts';
import { blankSpec } from '../../doors/common/spec.ts';
import { containerFromInspect } from '../../doors/engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../../doors/engine/inspect-schema.ts';
import { docker, ensureTestImages, IMAGES, TestContainers, TEST_LABEL } from '../../../test/support/engine.ts';
import { COPY_LABEL, copyBody, copyRisks, refuseUnrecordable, withSettings } from './copy-body.ts';
import { createBodyFromInspect, type HardenTarget } from './target.ts';

const containers = new TestContainers('copybody');
let client: EngineClient;
const made: string[] = [];

before(async () => {
  await ensureTestImages();
  client = await EngineClient.connect();
});
after(async () => {
  if (made.length) await docker('rm', '-f', ...made).catch(() => undefined);
  await containers.cleanup();
  client.close();
});

async function targetOf(name: string): Promise<HardenTarget> {
  const raw = await client.getJson(`/containers/${name}/json`);
  const spec = containerFromInspect(parseEngine(ContainerInspectSchema, raw, 'inspect'));
  const { create, extraNetworks } = createBodyFromInspect(raw, 'inspect');
  return { label: name, service: name, spec, create, extraNetworks, notes: [] };
}

test('a copy keeps the workload and changes only how it meets the world', async () => {
  const name = await containers.make(
    'orig',
    ['-p', '8080:80', '-p', '0.0.0.0:9090:90/udp', '--restart', 'always', '--label', 'traefik.enable=true', '--label', 'com.docker.compose.service=web', '-e', 'DB_PASSWORD=hunter2', '--security-opt', 'seccomp=unconfined', '--log-driver', 'none', '--hostname', 'orig-host', '--memory', '64m'],
    { start: false, image: IMAGES.plain, cmd: ['/sleeper', 'arg'] },
  );
  const t = await targetOf(name);
  const body = copyBody(t, { seccomp: '{"defaultAction":"SCMP_ACT_LOG"}', network: 'same', owner: '1:2', originalId: t.spec.id });
  assert.match(body.Image, /^sha256:/, 'the image by id');
  assert.deepEqual(body.Cmd, ['/sleeper', 'arg']);
  assert.ok((body.Env as string[]).includes('DB_PASSWORD=hunter2'));
  assert.equal(body.Hostname, undefined);
  assert.deepEqual(body.Labels, { [COPY_LABEL]: '1', 'dev.moat.harden.of': t.spec.id, 'dev.moat.harden.owner': '1:2' });
  assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'no' });
  assert.deepEqual(body.HostConfig.SecurityOpt, ['seccomp={"defaultAction":"SCMP_ACT_LOG"}']);
  assert.equal(body.HostConfig.Memory, 64 * 1024 * 1024);

  // The engine takes it; every published port is on loopback, on a port it picks.
  const copy = `${name}-copy`;
  made.push(copy);
  const res = await client.request('POST', `/containers/create?name=${copy}`, { ...body, Labels: { ...body.Labels, [TEST_LABEL.split('=')[0] as string]: '1' } });
  assert.equal(res.status, 201, res.body.toString());
  const inspected = JSON.parse(await docker('inspect', copy))[0];
  assert.deepEqual(inspected.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '90/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.equal(inspected.HostConfig.LogConfig.Type, 'json-file');
  assert.equal(inspected.Config.Labels['traefik.enable'], undefined, 'no label routes traffic to the copy');
  assert.notEqual(inspected.Config.Hostname, 'orig-host');
});

test('settings go on top of a copy: caps, no-new-privileges once, read-only with tmpfs options, user, limits', async () => {
  const name = await containers.make('settings', ['--network', 'none', '--security-opt', 'no-new-privileges', '--memory', '64m', '--memory-swap', '80m'], { start: false, image: IMAGES.plain });
  const t = await targetOf(name);
  const body = withSettings(copyBody(t, { seccomp: '{}', network: 'none', owner: '1:2', originalId: 'x' }), {
    capDrop: ['ALL'],
    capAdd: ['CHOWN'],
    noNewPrivileges: true,
    readOnly: true,
    tmpfs: ['/tmp:uid=1000,gid=1000', '/run'],
    user: '1000:1000',
    memory: 128 * 1024 * 1024,
    pids: 20,
  });
  const hc = body.HostConfig;
  assert.deepEqual([hc.CapDrop, hc.CapAdd, hc.ReadonlyRootfs, hc.Tmpfs, body.User, hc.PidsLimit], [['ALL'], ['CHOWN'], true, { '/tmp': 'uid=1000,gid=1000', '/run': '' }, '1000:1000', 20]);
  assert.deepEqual(hc.SecurityOpt?.filter((o) => o.startsWith('no-new')), ['no-new-privileges:true']);
  assert.equal(hc.MemorySwap, undefined, 'a swap limit below the new memory limit is dropped, not sent');
  made.push(`${name}-copy`);
  const res = await client.request('POST', `/containers/create?name=${name}-copy`, body);
  assert.equal(res.status, 201, res.body.toString());
});

test('privileged, host-network and foreign-runtime originals are refused with what to do', () => {
  const spec = blankSpec('inspect', 'id', 'web');
  const t = (over: Partial<HardenTarget['spec']>, runtime?: string): HardenTarget => ({ label: 'web', service: 'web', spec: { ...spec, ...over }, create: { Image: 'x', HostConfig: runtime ? { Runtime: runtime } : {} }, extraNetworks: [], notes: [] });
  assert.throws(() => refuseUnrecordable(t({ privileged: true }), 'same'), /no seccomp profile to privileged containers.*run it without --privileged/);
  assert.throws(() => refuseUnrecordable(t({ namespaces: { network: 'host' } }), 'same'), (e: unknown) => e instanceof Error && /--network none/.test(e.message));
  assert.doesNotThrow(() => refuseUnrecordable(t({ namespaces: { network: 'host' } }), 'none'));
  assert.throws(() => refuseUnrecordable(t({}, 'runsc'), 'same'), /"runsc" runtime/);
});

test('risks name the networks, writable mounts, devices and the credentials the copy has', () => {
  const spec = { ...blankSpec('inspect', 'id', 'web'), networks: ['app_default'], env: ['PGPASSWORD=x'], mounts: [{ type: 'volume' as const, source: 'pgdata', target: '/var/lib/postgresql', readOnly: false }, { type: 'bind' as const, source: '/etc/app', target: '/etc/app', readOnly: true }], devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' }] };
  const risks = copyRisks(spec, 'same');
  assert.equal(risks.length, 4);
  assert.match(risks[0] ?? '', /joins network "app_default", so it can reach the same databases/);
  assert.match(risks[1] ?? '', /mounts volume pgdata at \/var\/lib\/postgresql read-write/);
  assert.match(risks[2] ?? '', /host device \/dev\/fuse/);
  assert.match(risks[3] ?? '', /original's environment \(1 variables, credentials included\)/);
  assert.deepEqual(copyRisks({ ...blankSpec('inspect', 'id', 'w'), networks: ['none'] }, 'same'), [], 'an isolated copy has none');
  assert.equal(copyRisks(spec, 'none').some((r) => r.includes('network')), false);
});
