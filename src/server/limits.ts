/**
 * Per-token request rate: a token bucket per token, refilled continuously, in this
 * process (behind a load balancer each server holds its own share).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Undefined when allowed; else the seconds to wait. */
  take(id: string, perMinute: number, now = Date.now()): number | undefined {
    const b = this.buckets.get(id) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60_000) * perMinute);
    b.at = now;
    this.buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) / perMinute) * 60));
  }
}

/**
 * Marks an in-process request (Hono's `app.request(path, init, env)`) as a later part of one
 * dashboard page view: the page's first API call pays the token's rate, the calls that
 * complete the same page do not, so a page costs one request whatever it needs to read.
 * Authentication and roles are checked on every call all the same. Only code in this process
 * can put a symbol in a request's env: an HTTP client cannot claim it.
 */
export const SAME_PAGE = Symbol('moat.same-page');
