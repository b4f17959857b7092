import * as v from 'valibot';
import type { Challenge } from './challenge.ts';
import type { Credentials } from './credentials.ts';
import { RegistryError } from './errors.ts';
import { Secret } from './secret.ts';
import { readBody, send, type TransportOptions } from './transport.ts';

/**
 * Answers a registry's challenge with an Authorization header: Basic with the user's
 * password, or Bearer with a token from the challenge's realm (the distribution token
 * protocol: GET with Basic credentials or anonymously, POST with an OAuth2 refresh
 * token). Tokens are cached per realm, service, scopes and identity until they expire.
 */
export class Authenticator {
  readonly #credentials: () => Promise<Credentials | undefined>;
  readonly #transport: TransportOptions;
  readonly #mayUsePlainHttp: (hostPort: string) => boolean;
  readonly #tokens = new Map<string, { token: Secret; expiresAt: number }>();
  #resolved?: Promise<Credentials | undefined>;
  /** Token requests made (not cache hits): lets tests and benchmarks see the cache work. */
  tokenRequests = 0;

  constructor(credentials: () => Promise<Credentials | undefined>, transport: TransportOptions, mayUsePlainHttp: (hostPort: string) => boolean) {
    this.#credentials = credentials;
    this.#transport = transport;
    this.#mayUsePlainHttp = mayUsePlainHttp;
  }

  /** Looked up once, and only when a registry first asks for authentication. */
  credentials(): Promise<Credentials | undefined> {
    this.#resolved ??= this.#credentials();
    return this.#resolved;
  }

  async header(challenge: Challenge, scopes: readonly string[], registry: string): Promise<string | undefined> {
    if (challenge.scheme === 'basic') {
      const creds = await this.credentials();
      if (!creds) return undefined;
      if (creds.kind !== 'basic') throw new RegistryError('unauthorized', `${registry} asks for a username and password (Basic), but ${creds.source} holds only a token: log in with a password`);
      return `Basic ${Buffer.from(`${creds.username}:${creds.password.reveal()}`).toString('base64')}`;
    }
    if (challenge.scheme === 'bearer') return `Bearer ${(await this.#token(challenge, scopes, registry)).reveal()}`;
    throw new RegistryError('unsupported', `${registry} asks for "${challenge.scheme}" authentication, which Moat does not speak (it speaks Basic and Bearer)`);
  }

  async #token(challenge: Challenge, scopes: readonly string[], registry: string): Promise<Secret> {
    const realmText = challenge.params.realm;
    if (!realmText) throw new RegistryError('protocol', `${registry} sent a Bearer challenge without a realm: it is not a working token-auth registry`);
    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch {
      throw new RegistryError('protocol', `${registry} names token realm ${JSON.stringify(realmText)}, which is not a URL`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new RegistryError('protocol', `${registry} names a ${realm.protocol} token realm; only https (or http to a local/insecure host) is used`);
    const creds = await this.credentials();
    const service = challenge.params.service;
    const allScopes = [...new Set([...scopes, ...(challenge.params.scope?.split(' ').filter(Boolean) ?? [])])].sort();
    const key = JSON.stringify([realm.href, service, allScopes, creds ? `${creds.kind}:${creds.username ?? ''}:${creds.source}` : 'anonymous']);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    if (creds && realm.protocol === 'http:' && !this.#mayUsePlainHttp(realm.host)) {
      throw new RegistryError('tls', `${registry} wants credentials sent to ${realm.origin} over plain http; Moat refuses to send them unencrypted (list ${realm.host} as insecure only if it is local)`);
    }
    this.tokenRequests++;
    const issuedAt = Date.now();
    const answer = await this.#request(realm, service, allScopes, creds, registry);
    const lifetimeMs = (answer.expires_in ?? 60) * 1000;
    // Renew a little early (a tenth of the lifetime, at most 10 s) so a token does not expire in flight.
    const expiresAt = issuedAt + lifetimeMs - Math.min(10_000, lifetimeMs / 10);
    const token = new Secret(answer.token);
    this.#tokens.set(key, { token, expiresAt });
    return token;
  }

  async #request(realm: URL, service: string | undefined, scopes: string[], creds: Credentials | undefined, registry: string): Promise<{ token: string; expires_in?: number }> {
    const what = `a token for ${registry} from ${realm.host}`;
    const base = { origin: realm.origin, what };
    let res;
    if (creds?.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.token.reveal(), client_id: 'moat', ...(service ? { service } : {}) });
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await send({ ...base, method: 'POST', url: realm, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) }, this.#transport);
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds) url.searchParams.set('account', creds.username);
      const authorization = creds ? { origin: realm.origin, value: `Basic ${Buffer.from(`${creds.username}:${creds.password.reveal()}`).toString('base64')}` } : undefined;
      res = await send({ ...base, method: 'GET', url, authorization }, this.#transport);
    }
    const status = res.statusCode ?? 0;
    const body = await readBody(res, 1 << 20, what, realm.host);
    if (status === 401 || status === 403) {
      throw new RegistryError(
        'unauthorized',
        creds
          ? `the token server ${realm.host} refused the credentials for ${registry} (${creds.username ? `user ${creds.username} ` : ''}from ${creds.source}): log in again`
          : `the token server ${realm.host} refused an anonymous token for ${registry}: log in (docker login ${registry}) or pass credentials`,
        { status },
      );
    }
    if (status < 200 || status >= 300) throw new RegistryError('http', `the token server ${realm.host} answered HTTP ${status} for ${what}`, { status });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError('protocol', `the token server ${realm.host} answered ${what} with something other than JSON`);
    }
    const r = v.safeParse(TokenAnswer, parsed);
    const token = r.success ? (r.output.token ?? r.output.access_token) : undefined;
    if (!r.success || !token) throw new RegistryError('protocol', `the token server ${realm.host} answered ${what} without a "token" or "access_token"`);
    return { token, expires_in: r.output.expires_in };
  }
}

const TokenAnswer = v.object({
  token: v.optional(v.pipe(v.string(), v.minLength(1))),
  access_token: v.optional(v.pipe(v.string(), v.minLength(1))),
  expires_in: v.optional(v.pipe(v.number(), v.minValue(0))),
  issued_at: v.optional(v.string()),
});
