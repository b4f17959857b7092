/**
 * Certificates for a `--tlsverify` daemon, made by `openssl` as Docker's "Protect the daemon
 * socket" guide makes them: a CA, a server certificate for 127.0.0.1 and a client certificate
 * with clientAuth. `client` is a DOCKER_CERT_PATH folder (ca.pem, cert.pem, key.pem).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsSet {
  /** The daemon's --tlscacert, --tlscert, --tlskey. */
  server: { ca: string; cert: string; key: string };
  /** A DOCKER_CERT_PATH folder. */
  client: string;
}

async function openssl(...args: string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 });
}

async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}-key.pem`);
  const cert = join(dir, `${name}.pem`);
  await openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`);
  return { cert, key };
}

async function issue(dir: string, name: string, ca: { cert: string; key: string }, ext: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${ext}\n`);
  await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`);
  await openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extFile);
  return { cert, key };
}

/** A CA, a server certificate for IP 127.0.0.1 and a client folder under `dir`. */
export async function makeTlsSet(dir: string, name = 'moat-test'): Promise<TlsSet> {
  mkdirSync(dir, { recursive: true });
  const ca = await makeCa(dir, `${name}-ca`);
  const server = await issue(dir, `${name}-server`, ca, 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth');
  const clientCert = await issue(dir, `${name}-client`, ca, 'extendedKeyUsage = clientAuth');
  const client = join(dir, `${name}-client-dir`);
  mkdirSync(client, { recursive: true });
  const { copyFileSync } = await import('node:fs');
  copyFileSync(ca.cert, join(client, 'ca.pem'));
  copyFileSync(clientCert.cert, join(client, 'cert.pem'));
  copyFileSync(clientCert.key, join(client, 'key.pem'));
  return { server: { ca: ca.cert, cert: server.cert, key: server.key }, client };
}
