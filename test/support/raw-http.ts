/** One HTTP request over a unix socket exactly as the test writes it (chunked when no Content-Length is given). */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  body: string;
}

export function rawRequest(socketPath: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer; chunks?: Array<string | Buffer>; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: opts.headers ?? {}, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    if (opts.chunks) for (const c of opts.chunks) req.write(c);
    req.end(opts.body);
  });
}
