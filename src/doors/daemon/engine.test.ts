import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../engine/errors.ts';
import { parseEngine } from '../engine/inspect-schema.ts';
import { InfoSchema, VersionSchema, infoFromApi, parseSecurityOption, versionFromApi } from './engine.ts';

// Trimmed from what Debian's docker.io 20.10.24 answers (API 1.41).
const VERSION_20_10 = {
  Platform: { Name: '' },
  Components: [
    { Name: 'Engine', Version: '20.10.24+dfsg1', Details: { ApiVersion: '1.41', Experimental: 'false', MinAPIVersion: '1.12' } },
    { Name: 'containerd', Version: '1.6.20~ds1', Details: { GitCommit: '1.6.20~ds1-1+deb12u3' } },
  ],
  Version: '20.10.24+dfsg1',
  ApiVersion: '1.41',
  MinAPIVersion: '1.12',
  GitCommit: '5d6db84',
  GoVersion: 'go1.19.8',
  Os: 'linux',
  Arch: 'amd64',
  KernelVersion: '6.1.0',
  BuildTime: '2026-05-07T21:09:36.000000000+00:00',
};

const INFO_20_10 = {
  ID: 'TXTF:SU3Y',
  Containers: 24,
  ContainersRunning: 20,
  Images: 8,
  Driver: 'overlay2',
  Plugins: { Volume: ['local'], Authorization: null, Log: ['json-file'] },
  LoggingDriver: 'json-file',
  CgroupDriver: 'cgroupfs',
  CgroupVersion: '1',
  KernelVersion: '6.1.0',
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  RegistryConfig: {
    InsecureRegistryCIDRs: ['127.0.0.0/8'],
    IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
  },
  DockerRootDir: '/var/lib/docker',
  Name: 'vm',
  ExperimentalBuild: false,
  DefaultRuntime: 'runc',
  Swarm: { NodeID: '', LocalNodeState: 'inactive', RemoteManagers: null },
  LiveRestoreEnabled: false,
  SecurityOptions: ['name=seccomp,profile=default'],
  Warnings: null,
};

test('/version: engine version, API, and experimental from the Engine component when the top level omits it', () => {
  const v = versionFromApi(parseEngine(VersionSchema, VERSION_20_10, 'GET /version'));
  assert.equal(v.engine, '20.10.24+dfsg1');
  assert.equal(v.apiVersion, '1.41');
  assert.equal(v.minApiVersion, '1.12');
  assert.equal(v.goVersion, 'go1.19.8');
  assert.equal(v.experimental, false);
  const exp = versionFromApi(parseEngine(VersionSchema, { ...VERSION_20_10, Components: [{ Name: 'Engine', Version: '20.10.24', Details: { Experimental: 'true' } }] }, 'GET /version'));
  assert.equal(exp.experimental, true);
  assert.equal(versionFromApi(parseEngine(VersionSchema, { Version: '27.3.1', ApiVersion: '1.47', Experimental: true }, 'GET /version')).experimental, true);
});

test('/info: the facts the daemon rules read', () => {
  const i = infoFromApi(parseEngine(InfoSchema, INFO_20_10, 'GET /info'));
  assert.equal(i.storageDriver, 'overlay2');
  assert.equal(i.loggingDriver, 'json-file');
  assert.equal(i.cgroupVersion, '1');
  assert.deepEqual(i.securityOptions, [{ name: 'seccomp', details: { profile: 'default' } }]);
  assert.deepEqual(i.authorizationPlugins, []);
  assert.deepEqual(i.insecureRegistries, ['127.0.0.0/8']);
  assert.equal(i.swarmState, 'inactive');
  assert.equal(i.liveRestoreEnabled, false);
  assert.equal(i.containersRunning, 20);
});

test('/info: registries whose index config is not secure count as insecure, next to the CIDRs', () => {
  const raw = {
    ...INFO_20_10,
    Plugins: { Authorization: ['authz-broker'] },
    RegistryConfig: {
      InsecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Secure: true }, 'registry.local:5000': { Name: 'registry.local:5000', Secure: false } },
    },
  };
  const i = infoFromApi(parseEngine(InfoSchema, raw, 'GET /info'));
  assert.deepEqual(i.insecureRegistries, ['127.0.0.0/8', '10.0.0.0/8', 'registry.local:5000']);
  assert.deepEqual(i.authorizationPlugins, ['authz-broker']);
});

test('/info: an old engine without CgroupVersion, swarm or security options still parses', () => {
  const i = infoFromApi(parseEngine(InfoSchema, { ID: 'x', Driver: 'aufs' }, 'GET /info'));
  assert.equal(i.storageDriver, 'aufs');
  assert.equal(i.cgroupVersion, '1');
  assert.equal(i.swarmState, '');
  assert.deepEqual(i.securityOptions, []);
});

test('security options: key=value lists, bare names from engines before API 1.26, and several details', () => {
  assert.deepEqual(parseSecurityOption('name=seccomp,profile=default'), { name: 'seccomp', details: { profile: 'default' } });
  assert.deepEqual(parseSecurityOption('name=rootless'), { name: 'rootless', details: {} });
  assert.deepEqual(parseSecurityOption('apparmor'), { name: 'apparmor', details: {} });
  assert.deepEqual(parseSecurityOption('name=seccomp,profile=/etc/docker/seccomp.json,extra=1'), { name: 'seccomp', details: { profile: '/etc/docker/seccomp.json', extra: '1' } });
});

test('an answer of the wrong shape is a protocol error naming the path', () => {
  assert.throws(
    () => parseEngine(InfoSchema, { ...INFO_20_10, SecurityOptions: 'name=seccomp' }, 'GET /info'),
    (e: unknown) => e instanceof EngineError && e.kind === 'protocol' && /GET \/info at SecurityOptions/.test(e.message),
  );
  assert.throws(() => parseEngine(VersionSchema, { ApiVersion: '1.41' }, 'GET /version'), /GET \/version at Version/);
});
