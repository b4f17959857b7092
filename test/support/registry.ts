/**
 * A real registry for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1,
 * its config and storage in a temp dir, with no auth, htpasswd Basic auth or token auth,
 * optionally TLS and the `redirect` storage middleware. Every process started here is
 * stopped by `stop()`, and by an exit hook if a test dies first.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, createConnection } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createReadStream, mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';

const run = promisify(execFile);

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as it appears in references. */
  host: string;
  port: number;
  scheme: 'http' | 'https';
  /** Root of the filesystem storage driver (for tampering with blobs). */
  storageDir: string;
  dir: string;
  /** Path of a blob's data file inside the storage. */
  blobPath(digest: string): string;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryConfig {
  auth?: RegistryAuth;
  /** TLS with this certificate; with `clientCa`, clients must present a certificate it signed. */
  tls?: { cert: string; key: string; clientCa?: string };
  /** Redirect blob GETs to this base URL plus the storage path (distribution's `redirect` middleware). */
  redirectBaseUrl?: string;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function htpasswdFile(dir: string, users: Record<string, string>): Promise<string> {
  const lines: string[] = [];
  for (const [user, password] of Object.entries(users)) {
    const { stdout } = await run('htpasswd', ['-Bbn', user, password]);
    lines.push(stdout.trim());
  }
  const file = join(dir, 'htpasswd');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function startRegistry(config: RegistryConfig = {}): Promise<TestRegistry> {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), 'moat-registry-'));
  const storageDir = join(dir, 'storage');
  const auth = config.auth ?? { kind: 'none' };
  let authYaml = '';
  if (auth.kind === 'htpasswd') authYaml = `auth:\n  htpasswd:\n    realm: moat-test\n    path: ${await htpasswdFile(dir, auth.users)}\n`;
  if (auth.kind === 'token') {
    authYaml = `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${auth.rootCertBundle}\n`;
  }
  const middleware = config.redirectBaseUrl ? `middleware:\n  storage:\n    - name: redirect\n      options:\n        baseurl: ${config.redirectBaseUrl}\n` : '';
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const tls = config.tls ? `  tls:\n    certificate: ${config.tls.cert}\n    key: ${config.tls.key}\n${config.tls.clientCa ? `    clientcas:\n      - ${config.tls.clientCa}\n` : ''}` : '';
    const yaml =
      `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n` +
      `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\n` +
      `http:\n  addr: 127.0.0.1:${port}\n  secret: ${createHash('sha256').update(dir).digest('hex')}\n${tls}` +
      authYaml +
      middleware;
    const configFile = join(dir, 'config.yml');
    writeFileSync(configFile, yaml);
    const log: string[] = [];
    const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const scheme = config.tls ? 'https' : 'http';
    const up = await Promise.race([waitForAnswer(scheme, port), exited.then(() => false)]);
    if (!up) {
      child.kill('SIGKILL');
      live.delete(child);
      const text = log.join('');
      if (attempt < 3 && /address already in use/.test(text)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${text.slice(-2000)}`);
    }
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
      rmSync(dir, { recursive: true, force: true });
    };
    return {
      host: `127.0.0.1:${port}`,
      port,
      scheme,
      storageDir,
      dir,
      blobPath: (digest) => {
        const [alg, hex] = digest.split(':') as [string, string];
        return join(storageDir, 'docker/registry/v2/blobs', alg, hex.slice(0, 2), hex, 'data');
      },
      stop,
    };
  }
}

/** Up once it accepts connections (a TLS handshake may need a client certificate, so no request is made). */
async function waitForAnswer(_scheme: 'http' | 'https', port: number): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Serves the registry's storage folder over HTTP, as object storage behind the
 * `redirect` middleware would. Records the Authorization headers it receives, so a
 * test can prove credentials never follow a redirect to another origin.
 */
export async function startStorageServer(root: () => string): Promise<{ url: string; authorizations: string[]; requests: number; close(): Promise<void> }> {
  const state = { authorizations: [] as string[], requests: 0 };
  const server: Server = createHttpServer((req, res) => {
    state.requests++;
    if (req.headers.authorization) state.authorizations.push(req.headers.authorization);
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root(), path);
    if (!file.startsWith(root()) || path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      const size = statSync(file).size;
      res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    get authorizations() {
      return state.authorizations;
    },
    get requests() {
      return state.requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A self-signed certificate (and key) made with openssl, for the token signer or a TLS registry. */
export async function selfSignedCert(dir: string, name: string, opts: { ip?: string; ca?: { cert: string; key: string } } = {}): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const ext = join(dir, `${name}.ext`);
  // A leaf when signed by a CA (with the IP as its name, for a server); a CA when self-signed.
  writeFileSync(ext, opts.ca ? `${opts.ip ? `subjectAltName=IP:${opts.ip}\n` : ''}basicConstraints=CA:FALSE\n` : 'basicConstraints=critical,CA:TRUE\n');
  if (!opts.ca) {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, ...(opts.ip ? ['-addext', `subjectAltName=IP:${opts.ip}`] : ['-addext', 'basicConstraints=critical,CA:TRUE'])]);
  } else {
    const csr = join(dir, `${name}.csr`);
    await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', opts.ca.cert, '-CAkey', opts.ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  }
  return { cert, key };
}

export function pemToDerBase64(pemFile: string): string {
  return readFileSync(pemFile, 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
