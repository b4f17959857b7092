import type http from 'node:http';
import type { Readable } from 'node:stream';
import { Authenticator } from './auth.ts';
import { parseChallenges, type Challenge } from './challenge.ts';
import { explicitCredentials, lookupCredentials, type Credentials, type ExplicitAuth } from './credentials.ts';
import { RegistryError } from './errors.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';
import { isDigest } from './reference.ts';
import { DEFAULT_CERTS_DIR, InsecurePolicy, isLoopback, loadCertsDir, splitHostPort } from './tls.ts';
import { bodyError, createAgents, DEFAULT_RETRY, isPlainHttpServer, readBody, send, type RetryPolicy, type TlsSettings, type TransportOptions } from './transport.ts';
import { digestOf, VerifyingStream, verifyBytes } from './verify.ts';

export interface RegistryOptions {
  /**
   * Credentials for every registry this session reads, instead of docker's config;
   * `false` reads anonymously. Default: docker's config.json and credential helpers.
   */
  auth?: ExplicitAuth | false;
  /** Folder holding docker's config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /**
   * Registries (`host[:port]` or CIDR) that may be reached over plain http or with an
   * unverified certificate, like dockerd's insecure-registries. Loopback hosts may use
   * plain http without being listed, but a TLS certificate they present is verified.
   */
  insecure?: readonly string[];
  /** Per-registry CAs and client certificates; default /etc/docker/certs.d as docker. */
  certsDir?: string;
  /** Longest silence tolerated on a connection (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How long a credential helper may take (default 10 s). */
  helperTimeoutMs?: number;
  signal?: AbortSignal;
  /** Environment for DOCKER_CONFIG, HOME and the PATH credential helpers are found on. */
  env?: NodeJS.ProcessEnv;
}

/** Manifests are small; containerd refuses those over 4 MiB too. */
export const MANIFEST_LIMIT = 4 << 20;
const ERROR_BODY_LIMIT = 64 << 10;

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  contentType?: string;
}

/**
 * A Distribution API v2 client for one registry host. The first request pings `/v2/` to
 * settle the scheme (https; http only where allowed) and learn the challenge; every
 * later request carries the answer to it, and a 401 with a new challenge (another
 * scope) is answered once before it counts as a refusal.
 */
export class RegistryClient {
  /** The registry as written in references: `docker.io`, `127.0.0.1:5000`. */
  readonly domain: string;
  /** Where its API lives (Docker Hub's is not at docker.io). */
  readonly apiHost: string;
  readonly authenticator: Authenticator;
  readonly #transport: TransportOptions;
  readonly #insecure: InsecurePolicy;
  readonly #certsDir: string;
  readonly #tlsCache = new Map<string, TlsSettings>();
  #session?: Promise<{ origin: string; challenge?: Challenge }>;

  constructor(domain: string, options: RegistryOptions = {}) {
    this.domain = domain;
    this.apiHost = domain === 'docker.io' ? 'registry-1.docker.io' : domain;
    splitHostPort(this.apiHost, 443);
    this.#insecure = new InsecurePolicy(options.insecure ?? []);
    this.#certsDir = options.certsDir ?? DEFAULT_CERTS_DIR;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new RegistryError('options', `timeoutMs must be a positive number of milliseconds, not ${timeoutMs}`);
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(Number.isInteger(retry.retries) && retry.retries >= 0 && retry.retries <= 10)) throw new RegistryError('options', `retry.retries must be an integer from 0 to 10, not ${retry.retries}`);
    this.#transport = { timeoutMs, retry, signal: options.signal, tlsFor: (h) => this.#tls(h), agents: createAgents() };
    const auth = options.auth;
    const credentials = (): Promise<Credentials | undefined> =>
      auth === false ? Promise.resolve(undefined) : auth ? Promise.resolve(explicitCredentials(auth)) : lookupCredentials(domain, { configDir: options.dockerConfigDir, env: options.env, helperTimeoutMs: options.helperTimeoutMs });
    this.authenticator = new Authenticator(credentials, this.#transport, (h) => this.#mayUsePlainHttp(h));
  }

  close(): void {
    this.#transport.agents.http.destroy();
    this.#transport.agents.https.destroy();
  }

  #mayUsePlainHttp(hostPort: string): boolean {
    return isLoopback(splitHostPort(hostPort, 80).hostname) || this.#insecure.listed(hostPort);
  }

  #tls(hostPort: string): TlsSettings {
    let settings = this.#tlsCache.get(hostPort);
    if (!settings) {
      const m = loadCertsDir(this.#certsDir, hostPort);
      settings = { ca: m.ca, cert: m.cert, key: m.key, caFiles: m.files, verify: !this.#insecure.listed(hostPort) };
      this.#tlsCache.set(hostPort, settings);
    }
    return settings;
  }

  /** Pings once: which scheme answers, and what authentication it wants. */
  #connect(): Promise<{ origin: string; challenge?: Challenge }> {
    this.#session ??= this.#ping().catch((e: unknown) => {
      this.#session = undefined;
      throw e;
    });
    return this.#session;
  }

  async #ping(): Promise<{ origin: string; challenge?: Challenge }> {
    const schemes = this.#mayUsePlainHttp(this.apiHost) ? ['https', 'http'] : ['https'];
    let res: http.IncomingMessage | undefined;
    let origin = '';
    for (const scheme of schemes) {
      origin = `${scheme}://${this.apiHost}`;
      try {
        res = await send({ method: 'GET', url: new URL('/v2/', origin), what: 'the API version check (GET /v2/)' }, this.#transport);
        break;
      } catch (e) {
        // Only a server that plainly speaks HTTP earns the fallback; a certificate that
        // fails verification is an error, not a reason to drop TLS.
        if (scheme === 'https' && schemes.includes('http') && isPlainHttpServer(e)) continue;
        throw e;
      }
    }
    const status = res!.statusCode ?? 0;
    res!.resume();
    if (status === 200) return { origin };
    if (status === 401) return { origin, challenge: pickChallenge(res!, this.domain) };
    throw new RegistryError('protocol', `${this.apiHost} answered GET /v2/ with HTTP ${status}: it is not a Docker registry (Distribution API v2) at ${origin}`, { status });
  }

  /** GET an API path in `repository`, answering authentication; resolves only with a 2xx response. */
  async get(repository: string, path: string, what: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
    const session = await this.#connect();
    const scope = `repository:${repository}:pull`;
    let challenge = session.challenge;
    for (let round = 0; ; round++) {
      const value = challenge ? await this.authenticator.header(challenge, [scope], this.domain) : undefined;
      const url = new URL(`/v2/${repository}/${path}`, session.origin);
      const res = await send({ method: 'GET', url, headers, authorization: value ? { origin: session.origin, value } : undefined, what }, this.#transport);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      if (status === 401 && round === 0) {
        const next = pickChallenge(res, this.domain);
        res.resume();
        if (next) {
          challenge = next;
          session.challenge ??= next;
          continue;
        }
      }
      throw await this.#statusError(res, repository, what, value !== undefined);
    }
  }

  async #statusError(res: http.IncomingMessage, repository: string, what: string, authenticated: boolean): Promise<RegistryError> {
    const status = res.statusCode ?? 0;
    let code = '';
    let message = '';
    try {
      const body = JSON.parse((await readBody(res, ERROR_BODY_LIMIT, what, this.apiHost)).toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
      const first = body.errors?.[0];
      code = typeof first?.code === 'string' ? first.code : '';
      message = typeof first?.message === 'string' ? first.message.slice(0, 200) : '';
    } catch {
      res.destroy();
    }
    const detail = code ? ` (${code}${message ? `: ${message}` : ''})` : '';
    const repo = `${this.domain}/${repository}`;
    if (status === 401) {
      const creds = await this.authenticator.credentials().catch(() => undefined);
      const who = authenticated && creds ? `the credentials from ${creds.source}` : 'anonymous access';
      return new RegistryError('unauthorized', `${this.domain} refused ${what} to ${who}${detail}: log in (docker login ${this.domain}) with an account that may pull ${repo}, or check that it exists`, { status });
    }
    if (status === 403) return new RegistryError('denied', `${this.domain} denied ${what}${detail}: the account may not pull ${repo}`, { status });
    if (status === 404 || code === 'NAME_UNKNOWN' || code === 'MANIFEST_UNKNOWN' || code === 'BLOB_UNKNOWN') {
      if (code === 'NAME_UNKNOWN') return new RegistryError('name-unknown', `${this.domain} has no repository ${repository}${detail}: check the name`, { status });
      if (code === 'BLOB_UNKNOWN' || /\/blobs\//.test(what)) return new RegistryError('blob-unknown', `${this.domain} does not have ${what} in ${repository}${detail}: the image is incomplete in the registry`, { status });
      return new RegistryError('manifest-unknown', `${this.domain} has no ${what} in ${repository}${detail}: check the tag or digest`, { status });
    }
    if (status === 429) return new RegistryError('http', `${this.domain} kept rate-limiting ${what} (HTTP 429) after ${this.#transport.retry.retries} retries: wait and try again, or log in for a higher limit`, { status });
    return new RegistryError('http', `${this.domain} answered ${what} with HTTP ${status}${detail}${status >= 500 ? ` after ${this.#transport.retry.retries} retries` : ''}`, { status });
  }

  /**
   * A manifest by tag or digest, its digest computed from the bytes: checked against
   * the digest asked for, or the descriptor it was reached through, or the registry's
   * own Docker-Content-Digest header.
   */
  async manifest(repository: string, reference: string, expected?: { digest: string; size: number }): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    const what = `the manifest ${byDigest ? '@' : ':'}${reference}`;
    const res = await this.get(repository, `manifests/${reference}`, what, { Accept: MANIFEST_ACCEPT }).catch(async (e: unknown) => {
      if (!(e instanceof RegistryError) || e.code !== 'manifest-unknown') throw e;
      // distribution answers MANIFEST_UNKNOWN for a missing repository too; its tag list tells them apart.
      if (await this.#repositoryMissing(repository)) throw new RegistryError('name-unknown', `${this.domain} has no repository ${repository}: check the name`, { status: 404 });
      throw new RegistryError('manifest-unknown', `${this.domain}/${repository} has no ${byDigest ? `manifest ${reference}` : `tag ${JSON.stringify(reference)}`}: check the ${byDigest ? 'digest' : 'tag'}`, { status: 404 });
    });
    const bytes = await readBody(res, MANIFEST_LIMIT, what, this.apiHost);
    const where = `${what} of ${this.domain}/${repository}`;
    const pinned = expected ?? (isDigest(reference) ? { digest: reference } : undefined);
    let digest: string;
    if (pinned) {
      verifyBytes(bytes, pinned, where);
      digest = pinned.digest;
    } else {
      digest = digestOf(bytes);
      const header = res.headers['docker-content-digest'];
      if (typeof header === 'string' && isDigest(header)) {
        verifyBytes(bytes, { digest: header }, `${where} (Docker-Content-Digest)`);
        digest = header;
      }
    }
    return { bytes, digest, contentType: res.headers['content-type'] };
  }

  async #repositoryMissing(repository: string): Promise<boolean> {
    try {
      (await this.get(repository, 'tags/list?n=1', 'the tag list')).resume();
      return false;
    } catch (e) {
      return e instanceof RegistryError && e.code === 'name-unknown';
    }
  }

  /** A small blob (a config), read whole and verified. */
  async blobBytes(repository: string, descriptor: { digest: string; size: number }, limit: number, what: string): Promise<Buffer> {
    if (descriptor.size > limit) throw new RegistryError('too-large', `${what} of ${this.domain}/${repository} is ${descriptor.size} bytes by its descriptor, over Moat's limit of ${limit}`);
    const res = await this.get(repository, `blobs/${descriptor.digest}`, what);
    const bytes = await readBody(res, descriptor.size, what, this.apiHost).catch((e: unknown) => {
      if (e instanceof RegistryError && e.code === 'too-large') throw new RegistryError('size-mismatch', `${what} of ${this.domain}/${repository} is longer than the ${descriptor.size} bytes its descriptor says`);
      throw e;
    });
    verifyBytes(bytes, descriptor, `${what} of ${this.domain}/${repository}`);
    return bytes;
  }

  /**
   * A blob as a stream of its (compressed) bytes, following redirects to storage. The
   * stream errors unless exactly `size` bytes with `digest` arrive; stop reading (destroy
   * it) to cancel the download.
   */
  async openBlob(repository: string, descriptor: { digest: string; size: number }, what: string): Promise<Readable> {
    const res = await this.get(repository, `blobs/${descriptor.digest}`, what);
    const where = `${what} of ${this.domain}/${repository}`;
    const length = Number(res.headers['content-length']);
    if (res.headers['content-length'] !== undefined && length !== descriptor.size) {
      res.destroy();
      throw new RegistryError('size-mismatch', `${where} is announced as ${length} bytes, but its descriptor says ${descriptor.size}: the registry is serving something else`);
    }
    const verifier = new VerifyingStream(descriptor, where);
    res.on('error', (e) => verifier.destroy(bodyError(e, what, this.apiHost, verifier.bytesSeen)));
    verifier.on('close', () => res.destroy());
    res.pipe(verifier);
    return verifier;
  }
}

function pickChallenge(res: http.IncomingMessage, registry: string): Challenge | undefined {
  const headers = res.headersDistinct['www-authenticate'] ?? [];
  const all = parseChallenges(headers);
  const chosen = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic') ?? all[0];
  if (!chosen && headers.length === 0) throw new RegistryError('protocol', `${registry} answered HTTP 401 without a WWW-Authenticate challenge, so there is no way to authenticate`, { status: 401 });
  return chosen;
}
