/**
 * Debian's OpenSSH server on 127.0.0.1, on a port, host key, client key and config of the
 * test's own (nothing under /etc/ssh is read or written). The key's authorized_keys line sets
 * DOCKER_HOST, so the remote `docker system dial-stdio` reaches the daemon the test chooses.
 * `sshCommand` is the client command line (for MOAT_SSH) that trusts this server's host key;
 * `strangerSshCommand` is the same client with an empty known_hosts.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  port: number;
  sshCommand: string;
  strangerSshCommand: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startSshServer(dir: string, dockerHost: string): Promise<SshServer> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install openssh-server (scripts/setup.sh --test)`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `environment="DOCKER_HOST=${dockerHost}" ${readFileSync(`${clientKey}.pub`, 'utf8')}`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitUserEnvironment DOCKER_HOST',
      'UsePAM no',
      // The temp directory is world-traversable /tmp: StrictModes would refuse keys under it.
      'StrictModes no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const emptyKnown = join(dir, 'known_hosts.empty');
  writeFileSync(emptyKnown, '');
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c) => (log += c));
  const client = (known: string): string => `ssh -F /dev/null -i ${clientKey} -o IdentitiesOnly=yes -o UserKnownHostsFile=${known} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await run('sh', ['-c', `${client(knownHosts)} -o BatchMode=yes -p ${port} 127.0.0.1 true`]).then(
      () => true,
      () => false,
    );
    if (r) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${log.slice(-1000)}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    port,
    sshCommand: client(knownHosts),
    strangerSshCommand: client(emptyKnown),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((res) => child.once('exit', res));
      }
    },
  };
}
