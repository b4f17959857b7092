/**
 * A token server for distribution's `auth: token:` on 127.0.0.1: it checks Basic
 * credentials (or an OAuth2 refresh token), grants repository actions by a small policy
 * and signs ES256 JWTs with a key whose self-signed certificate the registry trusts
 * (its rootcertbundle); the certificate travels in the JWT's `x5c` header, which is how
 * distribution 2.8 finds the signing key. JWS signing is node:crypto's (ieee-p1363 gives
 * the raw r||s signature JWS wants): a dozen lines, so no JOSE library for a test.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pemToDerBase64, selfSignedCert } from './registry.ts';

export interface TokenPolicy {
  users: Record<string, string>;
  /** Repositories anyone may pull without credentials (prefix match). */
  anonymousPull?: string[];
  /** Seconds the token lives (`expires_in`). */
  expiresIn?: number;
  /** Which field carries a GET's token: distribution's `token`, OAuth2's `access_token`, or both. */
  field?: 'token' | 'access_token' | 'both';
}

export interface TokenRequestLog {
  method: string;
  account?: string;
  grant?: string;
  scopes: string[];
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  log: TokenRequestLog[];
  /** Refresh tokens issued (for `offline_token=true`), by user. */
  refreshTokens: Map<string, string>;
  policy: TokenPolicy;
  close(): Promise<void>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export async function startTokenServer(dir: string, policy: TokenPolicy): Promise<TokenServer> {
  const { cert, key } = await selfSignedCert(dir, 'token-signer');
  const signingKey: KeyObject = createPrivateKey(readFileSync(key));
  const x5c = [pemToDerBase64(cert)];
  const service = 'moat-test-registry';
  const issuer = 'moat-test-issuer';
  const log: TokenRequestLog[] = [];
  const refreshTokens = new Map<string, string>();

  const jwt = (subject: string, access: Array<{ type: string; name: string; actions: string[] }>, lifetime: number): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', x5c };
    const claims = { iss: issuer, sub: subject, aud: service, exp: now + lifetime, nbf: now - 5, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' }))}`;
  };

  const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString());
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let user: string | undefined;
      let params = url.searchParams;
      let grant: string | undefined;
      if (req.method === 'POST') {
        params = await readForm(req);
        grant = params.get('grant_type') ?? undefined;
        if (grant === 'refresh_token') user = [...refreshTokens].find(([, t]) => t === params.get('refresh_token'))?.[0];
        else if (grant === 'password' && policy.users[params.get('username') ?? ''] === params.get('password')) user = params.get('username') ?? undefined;
        if (!user) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_grant"}');
          log.push({ method: 'POST', grant, scopes: [] });
          return;
        }
      } else {
        const h = req.headers.authorization;
        if (h?.startsWith('Basic ')) {
          const [u, ...rest] = Buffer.from(h.slice(6), 'base64').toString().split(':');
          if (policy.users[u ?? ''] !== rest.join(':')) {
            log.push({ method: 'GET', account: u, scopes: params.getAll('scope') });
            res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"wrong credentials"}');
            return;
          }
          user = u;
        }
      }
      const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
      log.push({ method: req.method ?? 'GET', account: user, grant, scopes });
      const access = scopes.flatMap((s) => {
        const [type, name, actions] = s.split(':') as [string, string, string];
        if (type !== 'repository') return [];
        const allowed = (actions ?? '').split(',').filter((a) => user !== undefined || (a === 'pull' && (policy.anonymousPull ?? []).some((p) => name.startsWith(p))));
        return allowed.length ? [{ type, name, actions: allowed }] : [];
      });
      const lifetime = policy.expiresIn ?? 300;
      const token = jwt(user ?? '', access, lifetime);
      const body: Record<string, unknown> = { expires_in: lifetime, issued_at: new Date().toISOString() };
      // OAuth2 (POST) answers are always `access_token`, which docker's own client insists on.
      const field = req.method === 'POST' ? 'access_token' : (policy.field ?? 'token');
      if (field === 'token' || field === 'both') body.token = token;
      if (field === 'access_token' || field === 'both') body.access_token = token;
      if (user && params.get('offline_token') === 'true') {
        const refresh = refreshTokens.get(user) ?? randomBytes(16).toString('hex');
        refreshTokens.set(user, refresh);
        body.refresh_token = refresh;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: cert,
    log,
    refreshTokens,
    policy,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
