import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearedCookie, csrfMatches, csrfToken, readSession, sameOrigin, sessionCookie } from './session.ts';
import { mountDashboard } from './index.ts';
import { startServer } from '../server.ts';
import { createToken } from '../tokens.ts';
import { makeStore } from '../test-support/harness.ts';
import { makeTlsSet } from '../../../test/support/tls-certs.ts';

test('the session cookie is HttpOnly and SameSite=Strict, Secure only under TLS; signing out expires it', () => {
  assert.equal(sessionCookie('moat_abc_def123456', 'viewer', false), 'moat_session=viewer.moat_abc_def123456; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200');
  assert.match(sessionCookie('moat_abc_def123456', 'admin', true), /; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
  assert.match(clearedCookie(true), /^moat_session=; .*Max-Age=0; Secure$/);
});

test('a session is read only from a well-formed cookie; its form token is tied to the token', () => {
  const s = readSession('other=1; moat_session=admin.moat_abc_def123456');
  assert.equal(s?.role, 'admin');
  assert.equal(s?.token, 'moat_abc_def123456');
  assert.equal(s?.csrf, csrfToken('moat_abc_def123456'));
  assert.notEqual(csrfToken('moat_abc_def123456'), csrfToken('moat_abc_def123457'));
  for (const bad of [undefined, '', 'moat_session=', 'moat_session=root.moat_abc_def123456', 'moat_session=agent.moat_abc_def123456', 'moat_session=viewer.short', 'moat_session=viewer.has space in it']) {
    assert.equal(readSession(bad), undefined, String(bad));
  }
  assert.ok(s && csrfMatches(s, s.csrf));
  assert.ok(s && !csrfMatches(s, `${s.csrf.slice(0, -1)}x`));
  assert.ok(s && !csrfMatches(s, undefined));
  assert.ok(s && !csrfMatches(s, ['x']));
});

test('a write must come from the server\u2019s own origin when the browser names one', () => {
  assert.ok(sameOrigin(undefined, 'http://127.0.0.1:8470/triage'));
  assert.ok(sameOrigin('http://127.0.0.1:8470', 'http://127.0.0.1:8470/triage'));
  assert.ok(!sameOrigin('http://127.0.0.1:8471', 'http://127.0.0.1:8470/triage'));
  assert.ok(!sameOrigin('https://127.0.0.1:8470', 'http://127.0.0.1:8470/triage'));
  assert.ok(!sameOrigin('null', 'http://127.0.0.1:8470/triage'), 'an opaque origin is not this one');
});

test('under TLS the server sets the session cookie Secure', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-dash-tls-'));
  const store = await makeStore('embedded');
  try {
    const tls = await makeTlsSet(dir);
    const server = await startServer({
      listen: '127.0.0.1:0',
      ...store.options,
      vulnDb: store.vulnDb,
      tlsCert: tls.server.cert,
      tlsKey: tls.server.key,
      rematchCheckSeconds: 60,
      pollSeconds: 2,
      migrateCommand: 'moat serve migrate',
      log: () => {},
      mount: (app) => mountDashboard(app),
    });
    try {
      assert.match(server.url, /^https:/);
      const viewer = (await createToken(server.store, { role: 'viewer' })).secret;
      const body = new URLSearchParams({ token: viewer }).toString();
      const answer = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
        const req = request(`${server.url}/login`, { method: 'POST', ca: readFileSync(tls.server.ca), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') });
        });
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(answer.status, 303);
      assert.match(answer.cookie, /^moat_session=viewer\.moat_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    } finally {
      await server.close();
    }
  } finally {
    store.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
