/**
 * An HTTP proxy on 127.0.0.1 in front of a real test registry that forwards faithfully
 * except where `fault` says otherwise: answer 503/429, never answer, stall or cut a body
 * part-way. What a flaky registry or network looks like, with the real registry behind.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'silent' }
  /** Answer with this body instead of the registry (an endpoint the registry lacks, such as the Referrers API). */
  | { kind: 'body'; status: number; contentType: string; body: string }
  /** Forward the headers and this many body bytes, then stall (`cut: false`) or drop the connection. */
  | { kind: 'partial'; bytes: number; cut: boolean };

export interface FaultProxy {
  host: string;
  /** Request lines seen, in order: `GET /v2/…`. */
  seen: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamPort: number, fault: (req: IncomingMessage, n: number) => Fault): Promise<FaultProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    const f = fault(req, seen.length);
    if (f.kind === 'status') return void res.writeHead(f.status, { 'Content-Type': 'application/json', ...f.headers }).end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
    if (f.kind === 'silent') return;
    if (f.kind === 'body') return void res.writeHead(f.status, { 'Content-Type': f.contentType, 'Content-Length': Buffer.byteLength(f.body) }).end(f.body);
    const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${upstreamPort}` } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (f.kind === 'pass') return void upRes.pipe(res);
      let sent = 0;
      upRes.on('data', (chunk: Buffer) => {
        if (sent >= f.bytes) return;
        const part = chunk.subarray(0, f.bytes - sent);
        sent += part.length;
        const last = sent >= f.bytes;
        // Cut only once the part is on the wire, so the client has the headers and those bytes.
        res.write(part, () => {
          if (last && f.cut) res.socket?.destroy();
        });
        if (last) upRes.destroy();
      });
    });
    req.pipe(up);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
