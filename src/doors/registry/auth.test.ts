/**
 * Authentication against real registries: distribution 2.8 with htpasswd (Basic) and
 * with token auth backed by a test token server, credentials written by a real
 * `docker login` (in a private --config folder) and by credential helpers that are real
 * executables on a private PATH.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openRegistryImage, type OpenRegistryImageOptions } from './image.ts';
import { RegistryClient } from './client.ts';
import { RegistryError } from './errors.ts';
import { rejectsWith as rejectsWithout } from './test-support/expect.ts';
import { Authenticator } from './auth.ts';
import { createAgents, DEFAULT_RETRY } from './transport.ts';
import { ensureTestImages, IMAGES } from '../../../test/support/engine.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import { startTokenServer, type TokenServer } from '../../../test/support/token-server.ts';
import { dockerLogin, dockerPush } from '../../../test/support/registry-images.ts';

const PASSWORD = 'correct-horse-battery-staple';
const work = mkdtempSync(join(tmpdir(), 'moat-auth-test-'));
let basic: TestRegistry;
let tokenReg: TestRegistry;
let tokens: TokenServer;
let basicConfig: string;
let tokenConfig: string;
let bin: string;

const rejectsWith = (code: string, re: RegExp) => rejectsWithout(code, re, PASSWORD);

async function open(ref: string, options: OpenRegistryImageOptions): Promise<void> {
  const img = await openRegistryImage(ref, options);
  try {
    for (const l of img.layers) await pipeline(await l.open(), new Writable({ write: (_c, _e, cb) => cb() }));
  } finally {
    img.close();
  }
}

before(async () => {
  await ensureTestImages();
  basic = await startRegistry({ auth: { kind: 'htpasswd', users: { alice: PASSWORD } } });
  tokens = await startTokenServer(work, { users: { alice: PASSWORD }, anonymousPull: ['public/'] });
  tokenReg = await startRegistry({ auth: { kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.rootCertBundle } });
  basicConfig = join(work, 'docker-basic');
  tokenConfig = join(work, 'docker-token');
  await dockerLogin(basic.host, 'alice', PASSWORD, basicConfig);
  await dockerPush(IMAGES.plain, `${basic.host}/private/plain:1`, basicConfig);
  await dockerLogin(tokenReg.host, 'alice', PASSWORD, tokenConfig);
  await dockerPush(IMAGES.plain, `${tokenReg.host}/private/plain:1`, tokenConfig);
  await dockerPush(IMAGES.plain, `${tokenReg.host}/public/plain:1`, tokenConfig);
  bin = join(work, 'bin');
  mkdirSync(bin);
  const helper = (name: string, body: string): void => {
    writeFileSync(join(bin, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, `docker-credential-${name}`), 0o755);
  };
  // Answers only for the server it is asked about, as real helpers do.
  helper('moattest', `read server\n[ "$1" = get ] || exit 3\ncase "$server" in ${basic.host}|${tokenReg.host}) printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server";; *) echo "credentials not found in native keychain"; exit 1;; esac`);
  helper('moatnone', 'echo "credentials not found in native keychain"; exit 1');
  helper('moatslow', 'sleep 5');
  helper('moatgarbage', 'echo "this is not json"');
  helper('moatbroken', 'echo "keyring locked" >&2; exit 2');
});

after(async () => {
  await basic?.stop();
  await tokenReg?.stop();
  await tokens?.close();
  rmSync(work, { recursive: true, force: true });
});

function configWith(content: object): string {
  const dir = mkdtempSync(join(work, 'cfg-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}
const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${bin}:${process.env.PATH}` });

test('Basic (htpasswd): anonymous is refused with advice; explicit credentials, docker login config and DOCKER_CONFIG work', async () => {
  const ref = `${basic.host}/private/plain:1`;
  await assert.rejects(open(ref, { auth: false }), rejectsWith('unauthorized', /refused the manifest :1 to anonymous access.*docker login 127\.0\.0\.1:\d+/));
  await assert.rejects(open(ref, { auth: { username: 'alice', password: 'wrong' } }), rejectsWith('unauthorized', /the credentials from the credentials given to Moat/));
  await open(ref, { auth: { username: 'alice', password: PASSWORD } });
  // What `docker login` wrote: auths[host].auth = base64(user:password).
  const written = JSON.parse(readFileSync(join(basicConfig, 'config.json'), 'utf8')) as { auths: Record<string, { auth?: string }> };
  assert.ok(written.auths[basic.host]?.auth, 'docker login wrote an auth entry');
  await open(ref, { dockerConfigDir: basicConfig });
  await open(ref, { env: { ...process.env, DOCKER_CONFIG: basicConfig } });
});

test('token auth: anonymous token for a public repository, refusal for a private one', async () => {
  const before = tokens.log.length;
  await open(`${tokenReg.host}/public/plain:1`, { auth: false });
  const asked = tokens.log.slice(before);
  assert.equal(asked.length, 1, 'one token serves the manifest, the config and every layer');
  assert.deepEqual(asked[0], { method: 'GET', account: undefined, grant: undefined, scopes: ['repository:public/plain:pull'] });
  await assert.rejects(open(`${tokenReg.host}/private/plain:1`, { auth: false }), rejectsWith('unauthorized', /refused the manifest :1 to anonymous access/));
});

test('token auth with a password: token fetched with Basic, cached per scope; a wrong password is refused by the token server', async () => {
  const client = new RegistryClient(tokenReg.host, { auth: { username: 'alice', password: PASSWORD } });
  try {
    await client.manifest('private/plain', '1');
    await client.manifest('private/plain', '1');
    assert.equal(client.authenticator.tokenRequests, 1, 'second request used the cached token');
    await client.manifest('public/plain', '1');
    assert.equal(client.authenticator.tokenRequests, 2, 'another scope needs another token');
  } finally {
    client.close();
  }
  assert.deepEqual(tokens.log.at(-1)?.account, 'alice');
  await assert.rejects(open(`${tokenReg.host}/private/plain:1`, { auth: { username: 'alice', password: 'nope' } }), rejectsWith('unauthorized', /token server 127\.0\.0\.1:\d+ refused the credentials .* \(user alice from the credentials given to Moat\)/));
});

test('token auth: "access_token" answers work, and an expired token is renewed, not reused', async () => {
  tokens.policy.field = 'access_token';
  tokens.policy.expiresIn = 2;
  const client = new RegistryClient(tokenReg.host, { auth: { username: 'alice', password: PASSWORD } });
  try {
    await client.manifest('private/plain', '1');
    await client.manifest('private/plain', '1');
    assert.equal(client.authenticator.tokenRequests, 1);
    await new Promise((r) => setTimeout(r, 2100));
    await client.manifest('private/plain', '1');
    assert.equal(client.authenticator.tokenRequests, 2);
  } finally {
    client.close();
    tokens.policy.field = 'token';
    tokens.policy.expiresIn = undefined;
  }
});

test('identity token from docker login (OAuth2 refresh token) is exchanged with POST grant_type=refresh_token', async () => {
  const written = JSON.parse(readFileSync(join(tokenConfig, 'config.json'), 'utf8')) as { auths: Record<string, { identitytoken?: string }> };
  const identity = written.auths[tokenReg.host]?.identitytoken;
  assert.ok(identity, `docker login stored an identitytoken: ${JSON.stringify(Object.keys(written.auths[tokenReg.host] ?? {}))}`);
  const before = tokens.log.length;
  await open(`${tokenReg.host}/private/plain:1`, { dockerConfigDir: tokenConfig });
  assert.deepEqual(tokens.log.slice(before).map((l) => [l.method, l.grant, l.account]), [['POST', 'refresh_token', 'alice']]);
  await assert.rejects(open(`${tokenReg.host}/private/plain:1`, { auth: { identityToken: 'revoked' } }), rejectsWith('unauthorized', /token server .* refused the credentials/));
});

test('credHelpers and credsStore run docker-credential-<name> get with the server on stdin', async () => {
  await open(`${basic.host}/private/plain:1`, { dockerConfigDir: configWith({ credHelpers: { [basic.host]: 'moattest' } }), env: env() });
  await open(`${tokenReg.host}/private/plain:1`, { dockerConfigDir: configWith({ credsStore: 'moattest' }), env: env() });
  // credHelpers wins over credsStore and auths for its host, as in the docker CLI.
  await open(`${basic.host}/private/plain:1`, { dockerConfigDir: configWith({ credsStore: 'moatnone', credHelpers: { [basic.host]: 'moattest' }, auths: { [basic.host]: { auth: Buffer.from('alice:wrong').toString('base64') } } }), env: env() });
  // "credentials not found" means anonymous, which this registry refuses.
  await assert.rejects(open(`${basic.host}/private/plain:1`, { dockerConfigDir: configWith({ credsStore: 'moatnone' }), env: env() }), rejectsWith('unauthorized', /anonymous access/));
});

test('credential helper failures are one-line config errors: missing, slow, garbage, failing, or a path for a name', async () => {
  const ref = `${basic.host}/private/plain:1`;
  const cases: Array<[object, RegExp]> = [
    [{ credsStore: 'moatmissing' }, /docker-credential-moatmissing \(credsStore in .*config\.json\) is not installed or not on PATH/],
    [{ credsStore: 'moatslow' }, /docker-credential-moatslow .* did not answer within 300 ms/],
    [{ credsStore: 'moatgarbage' }, /did not answer with JSON/],
    [{ credsStore: 'moatbroken' }, /docker-credential-moatbroken .* failed \(exit 2\): keyring locked/],
    [{ credHelpers: { [basic.host]: '../../bin/sh' } }, /names credential helper "\.\.\/\.\.\/bin\/sh", which is not a helper name/],
  ];
  for (const [config, re] of cases) {
    const t0 = performance.now();
    await assert.rejects(open(ref, { dockerConfigDir: configWith(config), env: env(), helperTimeoutMs: 300 }), (e: unknown) => e instanceof RegistryError && e.kind === 'config' && rejectsWith('credentials', re)(e));
    assert.ok(performance.now() - t0 < 3000, 'a slow helper is cut off');
  }
});

test('config.json errors are located; bad auth values are reported without echoing them', async () => {
  const dir = mkdtempSync(join(work, 'cfg-'));
  writeFileSync(join(dir, 'config.json'), '{\n  "auths": {\n    "x": { "auth": "abc" },\n  }\n}\n');
  await assert.rejects(open(`${basic.host}/private/plain:1`, { dockerConfigDir: dir }), rejectsWith('credentials', /config\.json:4:3: /));
  const bad = configWith({ auths: { [basic.host]: { auth: `${PASSWORD}!!` } } });
  await assert.rejects(open(`${basic.host}/private/plain:1`, { dockerConfigDir: bad }), rejectsWith('credentials', /"auth" is not base64 of user:password/));
  const wrongShape = configWith({ auths: { [basic.host]: { auth: 42 } } });
  await assert.rejects(open(`${basic.host}/private/plain:1`, { dockerConfigDir: wrongShape }), rejectsWith('credentials', /auths\.127\.0\.0\.1:\d+\.auth: /));
});

test('secrets never show: inspect and JSON of images, clients and credentials print masks', async () => {
  const img = await openRegistryImage(`${basic.host}/private/plain:1`, { auth: { username: 'alice', password: PASSWORD } });
  const client = new RegistryClient(basic.host, { dockerConfigDir: basicConfig });
  try {
    const creds = await client.authenticator.credentials();
    assert.equal(creds?.kind, 'basic');
    for (const text of [inspect(img, { depth: 10 }), inspect(client, { depth: 10, showHidden: true }), inspect(creds, { depth: 5 }), JSON.stringify(creds), String(creds?.kind === 'basic' ? creds.password : '')]) {
      assert.ok(!text.includes(PASSWORD), text.slice(0, 200));
    }
    assert.match(inspect(creds), /Secret\(\*{4}\(\d+ chars\)\)/);
  } finally {
    img.close();
    client.close();
  }
});

test('credentials are never sent to a token realm over plain http unless it is local or listed insecure', async () => {
  const agents = createAgents();
  const auth = new Authenticator(
    async () => ({ kind: 'basic', username: 'alice', password: new (await import('./secret.ts')).Secret(PASSWORD), source: 'test' }),
    { timeoutMs: 1000, retry: DEFAULT_RETRY, tlsFor: () => ({ verify: true }), agents },
    (h) => h.startsWith('127.'),
  );
  try {
    // No connection is attempted: the refusal comes first (registry.example is never resolved).
    await assert.rejects(auth.header({ scheme: 'bearer', params: { realm: 'http://registry.example/token', service: 's' } }, ['repository:a:pull'], 'registry.example'), rejectsWith('tls', /over plain http; Moat refuses to send them unencrypted/));
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
});
