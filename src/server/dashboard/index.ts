/**
 * The dashboard (issue 15): server-rendered pages at `/`, on the API's origin. No external
 * asset, no inline script or style: the Content-Security-Policy forbids both. Every read and
 * write goes through the API with the signed-in token (api.ts), so roles are the API's.
 *
 * Hook: `mountDashboard(app)` adds the routes to the server's Hono app (after the API's, so
 * `/api/v1/*` is untouched); `moat serve` passes it as `mount`.
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { Api, ApiError, q, type ApiApp } from './api.ts';
import { ASSETS } from './assets.ts';
import { html, page, type Html, type Nav } from './html.ts';
import { clearedCookie, csrfMatches, readSession, sameOrigin, sessionCookie, type DashboardRole, type Session } from './session.ts';
import * as pages from './pages.ts';
import type { Ctx } from './context.ts';
import type { AlertRow } from './shapes.ts';

export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DashboardOptions {
  /** How often the live alert stream asks the API for new alerts, in ms (each ask is one API request of the viewer's token). */
  alertPollMs?: number;
}


type Handler = (x: Ctx) => Promise<{ title: string; nav: Nav; body: Html; script?: boolean; status?: number } | Response>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server's app, whatever its Env
export function mountDashboard(app: Hono<any>, options: DashboardOptions = {}): void {
  const apiApp: ApiApp = app;
  const secure = (c: Context): boolean => new URL(c.req.url).protocol === 'https:';
  const headers = (c: Context): void => {
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer the browser sends `Origin: null` on form posts, and the origin check needs it.
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
  };

  for (const a of ASSETS) {
    app.get(a.name, (c) => {
      headers(c);
      return c.body(a.body, 200, { 'Content-Type': a.type, 'Cache-Control': 'public, max-age=31536000, immutable' });
    });
  }

  const send = (c: Context, status: number, title: string, nav: Nav, body: Html, session?: Session, script = false): Response => {
    headers(c);
    c.header('Cache-Control', 'no-store');
    return c.html(page({ title, nav, body, ...(session ? { session } : {}), script }), status as 200);
  };

  const signIn = (c: Context, message?: string, status = 200): Response =>
    send(
      c,
      status,
      'Sign in',
      'none',
      html`<div class="login">${message ? html`<p class="error" role="alert">${message}</p>` : ''}
<form method="post" action="/login" class="login">
<label for="token">API token <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false"></label>
<button type="submit" class="primary">Sign in</button>
</form>
<p class="muted">Use a viewer or admin token (<code>moat serve token create --role viewer</code>). It is kept in an HttpOnly cookie for 12 hours or until you sign out.</p></div>`,
    );

  app.get('/login', (c) => signIn(c, c.req.query('expired') !== undefined ? 'Your session ended (the token expired or was revoked): sign in again.' : undefined));

  app.post('/login', async (c) => {
    if (!sameOrigin(c.req.header('origin'), c.req.url)) return signIn(c, 'The sign-in form must be sent from this server\u2019s own page.', 403);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (token === '') return signIn(c, 'Give a token.', 400);
    const role = await roleOf(apiApp, token);
    if (typeof role !== 'string') return signIn(c, role.error, 401);
    headers(c);
    c.header('Set-Cookie', sessionCookie(token, role, secure(c)));
    return c.redirect('/', 303);
  });

  app.post('/logout', async (c) => {
    const session = readSession(c.req.header('cookie'));
    const form = await c.req.parseBody();
    if (session && !csrfMatches(session, form.csrf)) return send(c, 403, 'Refused', 'none', html`<p class="error" role="alert">This sign-out did not come from a Moat page (its form token is missing or wrong).</p>`, session);
    headers(c);
    c.header('Set-Cookie', clearedCookie(secure(c)));
    return c.redirect('/login', 303);
  });

  /** A page that needs a session; a write also needs the form token and this origin. */
  const route = (method: 'get' | 'post', path: string, handler: Handler): void => {
    app[method](path, async (c) => {
      const session = readSession(c.req.header('cookie'));
      if (!session) return method === 'get' ? c.redirect('/login', 303) : send(c, 401, 'Sign in first', 'none', html`<p class="error" role="alert">Not signed in. <a href="/login">Sign in</a>.</p>`);
      if (method === 'post') {
        const form = await c.req.parseBody();
        if (!sameOrigin(c.req.header('origin'), c.req.url) || !csrfMatches(session, form.csrf)) {
          return send(c, 403, 'Refused', 'none', html`<p class="error" role="alert">This change did not come from a Moat page (its form token is missing or wrong): nothing was changed.</p>`, session);
        }
      }
      const x: Ctx = { c, url: new URL(c.req.url), session, api: new Api(apiApp, session.token) };
      try {
        const out = await handler(x);
        if (out instanceof Response) return out;
        return send(c, out.status ?? 200, out.title, out.nav, out.body, session, out.script ?? false);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          headers(c);
          c.header('Set-Cookie', clearedCookie(secure(c)));
          return c.redirect('/login?expired', 303);
        }
        if (e instanceof ApiError) {
          const what = e.status === 403 ? 'Not allowed' : e.status === 404 ? 'Not found' : e.status === 400 ? 'Not accepted' : 'The server could not answer';
          return send(c, e.status, what, 'none', html`<p class="error" role="alert">${e.message}</p><p><a href="/">Back to the overview</a></p>`, session);
        }
        throw e;
      }
    });
  };

  route('get', '/', pages.overview);
  route('get', '/hosts/:name', pages.host);
  route('get', '/hosts/:name/containers/:id', pages.container);
  route('get', '/hosts/:name/export', pages.hostExport);
  route('get', '/images', pages.images);
  route('get', '/images/:digest', pages.image);
  route('get', '/images/:digest/sbom', pages.sbom);
  route('get', '/vulnerabilities', pages.vulnerabilities);
  route('get', '/alerts', pages.alerts);
  route('get', '/triage', pages.triageList);
  route('post', '/triage', pages.triageCreate);
  route('get', '/jobs', pages.jobs);
  route('post', '/jobs/:id/retry', pages.retryJob);

  const pollMs = options.alertPollMs ?? 500;
  app.get('/alerts/stream', async (c) => {
    const session = readSession(c.req.header('cookie'));
    if (!session) return c.text('sign in first', 401);
    const api = new Api(apiApp, session.token);
    headers(c);
    return streamSSE(c, async (stream) => {
      // Alerts received from now on: the page already shows the earlier ones.
      let since = new Date(Date.now() - 1000).toISOString();
      const seen = new Set<number>();
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        try {
          const { alerts } = await api.get<{ alerts: AlertRow[] }>(`/api/v1/alerts?since=${q(since)}&limit=200`);
          for (const a of [...alerts].reverse()) {
            if (seen.has(a.id)) continue;
            seen.add(a.id);
            if (a.receivedAt > since) since = a.receivedAt;
            await stream.writeSSE({ event: 'alert', id: String(a.id), data: JSON.stringify(a) });
          }
        } catch (e) {
          await stream.writeSSE({ event: 'problem', data: JSON.stringify({ error: (e as Error).message }) });
          if (e instanceof ApiError && (e.status === 401 || e.status === 403)) break;
        }
        await stream.sleep(pollMs);
      }
    });
  });
}

/** The role a token has, found through the API itself: admin can list tokens; an agent token may not read metrics. */
async function roleOf(app: ApiApp, token: string): Promise<DashboardRole | { error: string }> {
  const api = new Api(app, token);
  try {
    await api.get('/api/v1/hosts');
  } catch (e) {
    return { error: e instanceof ApiError && e.status === 401 ? `The server refused this token: ${e.message}` : `Could not check the token: ${(e as Error).message}` };
  }
  try {
    await api.get('/api/v1/tokens');
    return 'admin';
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) return { error: `Could not check the token: ${(e as Error).message}` };
  }
  try {
    await api.raw('/metrics');
    return 'viewer';
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return { error: 'This is an agent token: it pushes reports for one host. Sign in with a viewer or admin token.' };
    return { error: `Could not check the token: ${(e as Error).message}` };
  }
}

