import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from './errors.ts';

/** Where the engine listens and how to reach it, resolved from DOCKER_HOST and friends. */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsMaterial; display: string }
  | { kind: 'ssh'; user?: string; host: string; port?: number; display: string };

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  verify: boolean;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * Follows the docker CLI's rules: `DOCKER_HOST` (unix:// or tcp://), TLS when
 * `DOCKER_TLS_VERIFY` is set (non-empty) or the port is 2376, certificates from
 * `DOCKER_CERT_PATH` (default ~/.docker); ssh://[user@]host[:port] through the system's ssh.
 */
export function resolveEndpoint(env: NodeJS.ProcessEnv = process.env, explicitHost?: string): Endpoint {
  const raw = explicitHost ?? env.DOCKER_HOST ?? '';
  if (raw === '') return { kind: 'unix', socketPath: DEFAULT_SOCKET, display: `unix://${DEFAULT_SOCKET}` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EngineError('config', `DOCKER_HOST "${raw}" is not a URL: use unix:///path/to/docker.sock or tcp://HOST:PORT`);
  }
  if (url.protocol === 'unix:') {
    const socketPath = decodeURIComponent(url.pathname);
    if (!socketPath) throw new EngineError('config', `DOCKER_HOST "${raw}" names no socket path`);
    return { kind: 'unix', socketPath, display: `unix://${socketPath}` };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 2376 : 2375;
    const verifyEnv = env.DOCKER_TLS_VERIFY ?? '';
    const wantTls = verifyEnv !== '' || url.protocol === 'https:' || port === 2376;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!wantTls) return { kind: 'tcp', host, port, display: `tcp://${url.host}` };
    const certDir = env.DOCKER_CERT_PATH || join(env.HOME ?? '/root', '.docker');
    const read = (name: string): Buffer | undefined => {
      try {
        return readFileSync(join(certDir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new EngineError('config', `cannot read ${join(certDir, name)}: ${(e as Error).message}`);
      }
    };
    const tls: TlsMaterial = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify: verifyEnv !== '' && verifyEnv !== '0' };
    if (tls.verify && !tls.ca) {
      throw new EngineError('config', `DOCKER_TLS_VERIFY is set but ${join(certDir, 'ca.pem')} is missing: set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem`);
    }
    return { kind: 'tcp', host, port, tls, display: `tcp://${url.host} (TLS${tls.verify ? ', verified' : ''})` };
  }
  if (url.protocol === 'ssh:') {
    if (!url.hostname) throw new EngineError('config', `DOCKER_HOST "${raw}" names no host: use ssh://[user@]host[:port]`);
    // The Docker CLI refuses a path or query on ssh:// (it would be ignored), and so does Moat.
    if ((url.pathname && url.pathname !== '/') || url.search || url.password) {
      throw new EngineError('config', `DOCKER_HOST "${raw}" has a path, query or password, which ssh:// does not take: use ssh://[user@]host[:port]`);
    }
    const user = url.username ? decodeURIComponent(url.username) : undefined;
    const port = url.port ? Number(url.port) : undefined;
    return { kind: 'ssh', ...(user ? { user } : {}), host: url.hostname, ...(port ? { port } : {}), display: `ssh://${user ? `${user}@` : ''}${url.host}` };
  }
  throw new EngineError('config', `DOCKER_HOST "${raw}" uses ${url.protocol.replace(/:$/, '')}://, which Moat does not support: use unix://, tcp:// or ssh://`);
}
