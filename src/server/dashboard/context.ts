import type { Context } from 'hono';
import type { Api } from './api.ts';
import type { Session } from './session.ts';

/** What a page handler gets: the request, the session, and the API as the signed-in user. */
export interface Ctx {
  c: Context;
  url: URL;
  session: Session;
  api: Api;
}
