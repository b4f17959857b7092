import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEndpoint } from './endpoint.ts';
import { EngineError } from './errors.ts';
import { explainSshFailure, sshArgv } from './ssh-connection.ts';

test('ssh:// with user and port becomes an ssh endpoint, shown without secrets', () => {
  assert.deepEqual(resolveEndpoint({ DOCKER_HOST: 'ssh://ops@build-1.example:2222' }), { kind: 'ssh', user: 'ops', host: 'build-1.example', port: 2222, display: 'ssh://ops@build-1.example:2222' });
  assert.deepEqual(resolveEndpoint({ DOCKER_HOST: 'ssh://build-1' }), { kind: 'ssh', host: 'build-1', display: 'ssh://build-1' });
});

test('ssh:// with a path or a password is refused as a configuration error', () => {
  for (const raw of ['ssh://host/var/run/docker.sock', 'ssh://u:pw@host']) {
    assert.throws(() => resolveEndpoint({ DOCKER_HOST: raw }), (e: unknown) => e instanceof EngineError && e.kind === 'config' && /ssh:\/\/\[user@\]host\[:port\]/.test(e.message), raw);
  }
});

test('the ssh command line runs dial-stdio in batch mode and ends options before the host', () => {
  assert.deepEqual(sshArgv({ user: 'ops', host: '-oProxyCommand=x', port: 22, display: '' }).args, ['-o', 'BatchMode=yes', '-l', 'ops', '-p', '22', '--', '-oProxyCommand=x', 'docker', 'system', 'dial-stdio']);
  assert.deepEqual(sshArgv({ host: 'h', display: '' }, 'ssh -F /dev/null').args.slice(0, 2), ['-F', '/dev/null']);
});

test('ssh failures become one line saying what to fix', () => {
  const t = { host: 'h', display: 'ssh://h' };
  assert.match(explainSshFailure(t, 'No ED25519 host key is known for h and you have requested strict checking.\nHost key verification failed.\n', 255).message, /known_hosts/);
  assert.match(explainSshFailure(t, 'root@h: Permission denied (publickey).\n', 255).message, /ssh-add/);
  assert.match(explainSshFailure(t, 'bash: line 1: docker: command not found\n', 127).message, /install the Docker CLI/);
  for (const e of [explainSshFailure(t, 'x\ny\nz\n', 1)]) assert.ok(!e.message.includes('\n'));
});
