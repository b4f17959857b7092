import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerConfig, signatureVerdict } from './snapshot.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';

test("signature verdicts: verify's answer in words that never read as a pass unless a trusted signer signed", () => {
  assert.deepEqual(signatureVerdict(undefined, false), { status: 'not-checked', reason: 'no trust.signatures policy with signers in moat.yaml on this host' });
  assert.deepEqual(signatureVerdict(undefined, true), { status: 'not-checked', reason: 'no trust.signatures entry in moat.yaml covers this image' });
  const ref = 'reg.example/app@sha256:' + 'a'.repeat(64);
  assert.deepEqual(signatureVerdict({ verified: true, reference: ref, signer: 'key team.pub', policy: 'moat.yaml:3' }, true), { status: 'trusted', reference: ref, policy: 'moat.yaml:3', signer: 'key team.pub' });
  assert.equal(signatureVerdict({ verified: false, reference: ref, code: 'no-signature', reason: 'no signature: …' }, true).status, 'unsigned');
  assert.equal(signatureVerdict({ verified: false, reference: ref, code: 'untrusted-signer', reason: 'signed by another key' }, true).status, 'untrusted');
  assert.equal(signatureVerdict({ verified: false, reference: ref, code: 'digest-mismatch', reason: 'the signature names another digest' }, true).status, 'untrusted');
  assert.deepEqual(signatureVerdict({ verified: false, unchecked: true, reference: ref, reason: 'reg.example is unreachable' }, true), { status: 'unknown', reference: ref, reason: 'reg.example is unreachable' });
});

test('container configuration: the settings rules judge, never the environment or labels', () => {
  const spec = {
    id: 'c1',
    name: 'web',
    door: 'inspect',
    image: 'app:1',
    user: '',
    privileged: true,
    capAdd: ['SYS_ADMIN'],
    capDrop: [],
    security: { seccomp: 'unconfined', selinuxLabels: [], selinuxDisabled: false, noNewPrivileges: false, raw: ['seccomp=unconfined'] },
    namespaces: { pid: 'host', network: 'bridge', ipc: '' },
    mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true, reaches: [{ path: '/run/docker.sock', owner: 'engine', direct: true }] }],
    devices: [],
    deviceCgroupRules: [],
    ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080 }],
    publishAllPorts: false,
    networks: ['bridge'],
    resources: { memory: 67108864, pidsLimit: -1, ulimits: [] },
    readOnlyRootfs: false,
    restartPolicy: { name: '', maxRetries: 0 },
    env: ['PASSWORD=secret'],
    labels: { token: 'secret' },
    where: {},
  } as unknown as ContainerSpec;
  const c = containerConfig(spec);
  assert.doesNotMatch(JSON.stringify(c), /secret/);
  assert.equal(c.privileged, true);
  assert.equal(c.security.seccomp, 'unconfined');
  assert.equal(c.security.apparmor, null, 'the engine default');
  assert.deepEqual(c.namespaces, { pid: 'host', network: 'bridge' }, 'an empty mode is the default: left out');
  assert.deepEqual(c.mounts, [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true, reaches: ['/run/docker.sock (engine)'] }]);
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080 }]);
  assert.deepEqual(c.resources, { memory: 67108864, memorySwap: null, nanoCpus: null, cpuQuota: null, cpuShares: null, cpusetCpus: null, pidsLimit: null });
  assert.equal(c.restartPolicy, 'no');
});
