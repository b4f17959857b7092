/**
 * The dashboard reads and writes through the server's own HTTP API, in process (no socket):
 * the same authentication, roles, rate limits, write log and shapes as any API user. The
 * dashboard can therefore never show or do more than the signed-in token may.
 */
import type { Hono } from 'hono';
import { SAME_PAGE } from '../limits.ts';

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Hono app that serves /api/v1
export type ApiApp = Hono<any>;

/**
 * One Api serves one page view (or one alert stream): its first call pays the token's rate
 * limit, the others carry SAME_PAGE (limits.ts), so a page costs one request against the
 * limit however many reads it takes. Each call is still authenticated and role-checked.
 */
export class Api {
  readonly #app: ApiApp;
  readonly #token: string;
  #calls = 0;
  constructor(app: ApiApp, token: string) {
    this.#app = app;
    this.#token = token;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.#send('GET', path)).json() as Promise<T>;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.#send('POST', path, body)).json() as Promise<T>;
  }

  /** The response itself, for downloads. */
  async raw(path: string): Promise<Response> {
    return this.#send('GET', path);
  }

  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const env = this.#calls++ === 0 ? undefined : { [SAME_PAGE]: true };
    const res = await this.#app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }, env);
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // Not JSON: the text is the message.
      }
      throw new ApiError(res.status, message || `${method} ${path} answered ${res.status}`);
    }
    return res;
  }
}

export const q = encodeURIComponent;
