import { readdirSync, readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { RegistryError } from './errors.ts';

/** Where docker looks for per-registry CAs and client certificates. */
export const DEFAULT_CERTS_DIR = '/etc/docker/certs.d';

export interface TlsMaterial {
  /** Node's roots plus the registry's own CAs; undefined when there are none of its own. */
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
  /** Files the material came from, for error messages. */
  files: string[];
}

/**
 * Reads `<certsDir>/<host[:port]>/` as dockerd does: every `*.crt` is a CA added to the
 * system roots, every `*.cert` with its `*.key` is a client certificate. A missing
 * folder is the normal case; an unreadable one is an error, since silently ignoring a
 * CA the user installed would turn into a confusing TLS failure.
 */
export function loadCertsDir(certsDir: string, host: string): TlsMaterial {
  const dir = join(certsDir, host.replace(/[/\\]/g, '_'));
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return { files: [] };
    throw new RegistryError('options', `cannot read ${dir}: ${(e as Error).message}`);
  }
  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (e) {
      throw new RegistryError('options', `cannot read ${join(dir, name)}: ${(e as Error).message}`);
    }
  };
  const material: TlsMaterial = { files: [] };
  const cas = names.filter((n) => n.endsWith('.crt'));
  if (cas.length) {
    material.ca = [...rootCertificates, ...cas.map((n) => read(n).toString('utf8'))];
    material.files.push(...cas.map((n) => join(dir, n)));
  }
  const cert = names.find((n) => n.endsWith('.cert'));
  if (cert) {
    const keyName = `${cert.slice(0, -'.cert'.length)}.key`;
    if (!names.includes(keyName)) throw new RegistryError('options', `${join(dir, cert)} has no matching ${keyName}: docker needs both for a client certificate`);
    material.cert = read(cert);
    material.key = read(keyName);
    material.files.push(join(dir, cert));
  }
  return material;
}

/** Splits `host[:port]` (IPv6 in brackets) into a hostname for sockets and a port. */
export function splitHostPort(hostPort: string, defaultPort: number): { hostname: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) throw new RegistryError('reference', `registry host ${JSON.stringify(hostPort)} is not host[:port]`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new RegistryError('reference', `registry host ${JSON.stringify(hostPort)} has port ${m[2]}, outside 1-65535`);
  return { hostname: m[1]!.replace(/^\[|\]$/g, ''), port };
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

export function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const family = isIP(hostname);
  return family !== 0 && loopback.check(hostname, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The user's insecure registries, as in dockerd's `insecure-registries`: `host[:port]`
 * entries match the registry's `host[:port]` exactly (`myhost` does not cover `myhost:5000`); CIDR entries
 * match registries addressed by IP. Names are not resolved to test them against a CIDR.
 */
export class InsecurePolicy {
  readonly #hosts = new Set<string>();
  readonly #nets = new BlockList();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim();
      if (/^[a-z]+:\/\//i.test(entry)) throw new RegistryError('options', `insecure registry ${JSON.stringify(raw)} must be host[:port] or a CIDR, without a scheme`);
      const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
      if (cidr) {
        const family = isIP(cidr[1]!);
        const bits = Number(cidr[2]);
        if (family === 0 || bits > (family === 4 ? 32 : 128)) throw new RegistryError('options', `insecure registry ${JSON.stringify(raw)} is not a valid CIDR`);
        this.#nets.addSubnet(cidr[1]!, bits, family === 4 ? 'ipv4' : 'ipv6');
        continue;
      }
      if (!entry) throw new RegistryError('options', 'an insecure registry entry is empty');
      this.#hosts.add(entry.toLowerCase());
    }
  }

  /** Whether `hostPort` may be reached over plain HTTP or unverified TLS because the user said so. */
  listed(hostPort: string): boolean {
    const lower = hostPort.toLowerCase();
    if (this.#hosts.has(lower)) return true;
    const { hostname } = splitHostPort(lower, 443);
    const family = isIP(hostname);
    return family !== 0 && this.#nets.check(hostname, family === 4 ? 'ipv4' : 'ipv6');
  }
}
