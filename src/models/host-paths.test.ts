import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataRootOf, dockerSocketsOf, hostPaths, pathCandidates, registryCertsIn } from './host-paths.ts';
import { daemonSpec, fileFact, hostSpec, option } from '../knowledge/rules/test-support/fixtures.ts';

test('with no daemon, the benchmark default paths are the candidates', () => {
  const c = pathCandidates();
  assert.deepEqual(c.daemonJson, ['/etc/docker/daemon.json']);
  assert.deepEqual(c.dockerSockets, ['/var/run/docker.sock']);
  assert.deepEqual(c.dataRoot, ['/var/lib/docker']);
  assert.deepEqual(c.tlsCaCert, []);
  assert.equal(c.dockerService[0], '/etc/systemd/system/docker.service');
  assert.ok(c.dockerd.includes('/usr/sbin/dockerd'));
});

test('the daemon options name the config file, the TLS files and the data root', () => {
  const daemon = daemonSpec({
    optionList: [option('config-file', '/srv/d.json', 'argv'), option('tlscacert', '/etc/docker/ca.pem'), option('tlscert', 'certs/cert.pem'), option('tlskey', '/k.pem'), option('data-root', '/srv/docker/')],
  });
  const c = pathCandidates(daemon);
  assert.deepEqual(c.daemonJson, ['/srv/d.json']);
  assert.deepEqual([c.tlsCaCert, c.tlsCert, c.tlsKey], [['/etc/docker/ca.pem'], ['/certs/cert.pem'], ['/k.pem']]);
  assert.deepEqual(c.dataRoot, ['/srv/docker']);
});

test('without --config-file, the path the daemon door found is used', () => {
  const daemon = daemonSpec({ optionList: [], configFile: { path: '/etc/docker/custom.json', present: true } });
  assert.deepEqual(pathCandidates(daemon).daemonJson, ['/etc/docker/custom.json']);
});

test('unix hosts are the sockets; fd:// (socket activation) and no unix host mean the default one', () => {
  const d = (hosts: unknown) => daemonSpec({ optionList: [option('hosts', hosts, 'argv')] });
  assert.deepEqual(dockerSocketsOf(d(['unix:///srv/a.sock', 'tcp://0.0.0.0:2376'])), ['/srv/a.sock']);
  assert.deepEqual(dockerSocketsOf(d(['fd://', 'unix:///srv/a.sock'])), ['/srv/a.sock', '/var/run/docker.sock']);
  assert.deepEqual(dockerSocketsOf(d('tcp://127.0.0.1:2375')), ['/var/run/docker.sock']);
  assert.deepEqual(dockerSocketsOf(d(['unix://'])), ['/var/run/docker.sock']);
});

test('with userns-remap, the data root is the directory above the remapped one', () => {
  assert.equal(dataRootOf(daemonSpec({ optionList: [], info: { dockerRootDir: '/var/lib/docker/231072.231072' } })), '/var/lib/docker');
  const noUserns = daemonSpec({ optionList: [], info: { dockerRootDir: '/data/1.2', securityOptions: [] } });
  assert.equal(dataRootOf(noUserns), '/data/1.2');
});

test('hostPaths picks the first candidate that exists, else the first examined', () => {
  const host = hostSpec({
    files: new Map([
      ['/etc/systemd/system/docker.service', { path: '/etc/systemd/system/docker.service', exists: false }],
      ['/lib/systemd/system/docker.service', fileFact('/lib/systemd/system/docker.service')],
      ['/usr/lib/systemd/system/docker.service', fileFact('/usr/lib/systemd/system/docker.service')],
      ['/usr/bin/dockerd', { path: '/usr/bin/dockerd', exists: false }],
      ['/usr/sbin/dockerd', fileFact('/usr/sbin/dockerd')],
      ['/usr/bin/runc', { path: '/usr/bin/runc', exists: false }],
    ]),
  });
  const p = hostPaths(host);
  assert.equal(p.dockerService, '/lib/systemd/system/docker.service');
  assert.equal(p.dockerd, '/usr/sbin/dockerd');
  assert.equal(p.runc, '/usr/bin/runc');
  assert.equal(p.tlsKey, undefined);
});

test('registry certificates are the entries two levels under certs.d, directories excluded', () => {
  const host = hostSpec({
    files: new Map(
      [
        fileFact('/etc/docker/certs.d/r.example/ca.crt'),
        fileFact('/etc/docker/certs.d/r.example/sub', { type: 'directory' }),
        fileFact('/etc/docker/certs.d/loose.crt'),
        fileFact('/etc/docker/daemon.json'),
      ].map((f) => [f.path, f]),
    ),
  });
  assert.deepEqual(registryCertsIn(host), ['/etc/docker/certs.d/r.example/ca.crt']);
});
