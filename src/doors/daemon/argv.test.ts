import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonOption } from '../../models/daemon-spec.ts';
import { parseDockerdArgv, parseGoBool, parseUlimit } from './argv.ts';

const byKey = (opts: DaemonOption[]): Map<string, DaemonOption> => new Map(opts.map((o) => [o.key, o]));
const values = (argv: string[]): Record<string, unknown> => Object.fromEntries(parseDockerdArgv(argv).map((o) => [o.key, o.value]));

test('boolean flags: bare, =true, =false and the other words strconv.ParseBool accepts', () => {
  assert.deepEqual(values(['dockerd', '--icc=false', '--iptables', '--userland-proxy=0', '--live-restore=True', '--no-new-privileges=true']), {
    icc: false,
    iptables: true,
    'userland-proxy': false,
    'live-restore': true,
    'no-new-privileges': true,
  });
  assert.equal(parseGoBool('F'), false);
  assert.equal(parseGoBool('yes'), undefined);
});

test('a boolean flag never takes the next word as its value (pflag semantics)', () => {
  // `--icc false` leaves `false` as a stray word, which dockerd rejects; icc itself is true.
  assert.deepEqual(values(['dockerd', '--icc', 'false']), { icc: true });
});

test('a boolean given a word that is not a boolean keeps the word, so rules see what was written', () => {
  assert.deepEqual(values(['dockerd', '--icc=nope']), { icc: 'nope' });
});

test('value flags: --flag value and --flag=value; the last one wins and is the one located', () => {
  const opts = byKey(parseDockerdArgv(['dockerd', '--log-level', 'debug', '--userns-remap=default', '--log-level=warn']));
  assert.equal(opts.get('log-level')?.value, 'warn');
  assert.deepEqual(opts.get('log-level')?.at, { path: 'dockerd argv[4]' });
  assert.equal(opts.get('userns-remap')?.value, 'default');
  assert.equal(opts.get('log-level')?.from, 'argv');
});

test('a value that looks like a flag is still the value (pflag gives the next word)', () => {
  assert.deepEqual(values(['dockerd', '--oom-score-adjust', '-500']), { 'oom-score-adjust': '-500' });
});

test('repeatable flags collect into daemon.json-named lists, located at their first use', () => {
  const opts = byKey(
    parseDockerdArgv([
      '/usr/bin/dockerd',
      '-H',
      'fd://',
      '--host=tcp://0.0.0.0:2375',
      '--insecure-registry',
      'registry.local:5000',
      '--insecure-registry=10.0.0.0/8',
      '--storage-opt',
      'dm.basesize=20G',
      '--authorization-plugin=authz',
    ]),
  );
  assert.deepEqual(opts.get('hosts')?.value, ['fd://', 'tcp://0.0.0.0:2375']);
  assert.deepEqual(opts.get('hosts')?.at, { path: 'dockerd argv[1]' });
  assert.deepEqual(opts.get('insecure-registries')?.value, ['registry.local:5000', '10.0.0.0/8']);
  assert.deepEqual(opts.get('storage-opts')?.value, ['dm.basesize=20G']);
  assert.deepEqual(opts.get('authorization-plugins')?.value, ['authz']);
});

test('shorthands: -H value, -Hvalue, -H=value, -l, -s, -D, and combined -Dl', () => {
  assert.deepEqual(values(['dockerd', '-H', 'unix:///run/a.sock', '-Htcp://127.0.0.1:2375', '-H=fd://']), { hosts: ['unix:///run/a.sock', 'tcp://127.0.0.1:2375', 'fd://'] });
  assert.deepEqual(values(['dockerd', '-l', 'error', '-s', 'aufs', '-D']), { 'log-level': 'error', 'storage-driver': 'aufs', debug: true });
  assert.deepEqual(values(['dockerd', '-Dl', 'debug']), { debug: true, 'log-level': 'debug' });
});

test('TLS flags map to their daemon.json keys', () => {
  assert.deepEqual(values(['dockerd', '--tlsverify', '--tlscacert=/etc/docker/ca.pem', '--tlscert', '/etc/docker/cert.pem', '--tlskey=/etc/docker/key.pem', '--tls=false']), {
    tlsverify: true,
    tlscacert: '/etc/docker/ca.pem',
    tlscert: '/etc/docker/cert.pem',
    tlskey: '/etc/docker/key.pem',
    tls: false,
  });
});

test('map flags become daemon.json objects: log-opts and default-ulimits', () => {
  assert.deepEqual(values(['dockerd', '--log-driver=syslog', '--log-opt', 'syslog-address=tcp://10.0.0.1:514', '--log-opt=tag=docker', '--default-ulimit', 'nofile=100:200', '--default-ulimit=nproc=512']), {
    'log-driver': 'syslog',
    'log-opts': { 'syslog-address': 'tcp://10.0.0.1:514', tag: 'docker' },
    'default-ulimits': { nofile: { Name: 'nofile', Soft: 100, Hard: 200 }, nproc: { Name: 'nproc', Soft: 512, Hard: 512 } },
  });
  assert.deepEqual(parseUlimit('nofile=lots'), ['nofile', 'nofile=lots']);
});

test('renamed and remaining flags: --graph sets data-root, --config-file, --seccomp-profile, --cgroup-parent, --experimental, --selinux-enabled', () => {
  assert.deepEqual(values(['dockerd', '-g', '/srv/docker', '--config-file', '/etc/moat/daemon.json', '--seccomp-profile=/etc/docker/seccomp.json', '--cgroup-parent', '/docker', '--experimental', '--selinux-enabled']), {
    'data-root': '/srv/docker',
    'config-file': '/etc/moat/daemon.json',
    'seccomp-profile': '/etc/docker/seccomp.json',
    'cgroup-parent': '/docker',
    experimental: true,
    'selinux-enabled': true,
  });
});

test('unknown flags keep their name: a following word is their value, otherwise they are switches', () => {
  assert.deepEqual(values(['dockerd', '--future-thing', 'x', '--future-switch', '--other=1']), { 'future-thing': 'x', 'future-switch': true, other: '1' });
});

test('the legacy `docker daemon` form and the `--` terminator', () => {
  assert.deepEqual(values(['docker', 'daemon', '--icc=false']), { icc: false });
  assert.deepEqual(values(['dockerd', '--icc=false', '--', '--iptables=false']), { icc: false });
});
