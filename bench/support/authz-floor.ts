/**
 * The transport floor of the authorization plugin: a process that speaks the plugin's
 * HTTP/1.1 on a unix socket exactly as `moat enforce serve` does (the same server limits,
 * the same response headers), reads each request body whole and answers `{"Allow":true}`
 * without looking at it. What the plugin costs above this is Moat's own work. Two transports:
 * `wire` (the plugin's: raw net and Node's llhttp binding, src/features/enforce/transport/wire.ts)
 * and `node-http` (node:http, the plugin's transport before issue 19).
 * Run as `node bench/support/authz-floor.ts SOCKET [wire|node-http]`; it prints "serving" when ready.
 */
import { createServer } from 'node:http';
import { createWireServer } from '../../src/features/enforce/transport/wire.ts';

const socket = process.argv[2];
const transport = process.argv[3] ?? 'node-http';
if (!socket || !['wire', 'node-http'].includes(transport)) throw new Error('usage: authz-floor.ts SOCKET [wire|node-http]');
const ALLOW = '{"Allow":true}';
const CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';
const limits = { headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 120_000, maxHeaderSize: 64 * 1024 };

let close: () => Promise<void>;
if (transport === 'wire') {
  const wire = createWireServer(limits, (ex) => {
    const chunks: Buffer[] = [];
    ex.onData = (c) => chunks.push(c);
    ex.onEnd = () => {
      // The body is joined and decoded as the plugin does before it judges: that much is transport.
      void Buffer.concat(chunks).toString('utf8');
      ex.respond(200, CONTENT_TYPE, ALLOW);
    };
  });
  wire.server.listen(socket, () => process.stderr.write('serving\n'));
  close = wire.close;
} else {
  const server = createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs, maxHeaderSize: limits.maxHeaderSize }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': ALLOW.length });
      res.end(ALLOW);
    });
  });
  server.listen(socket, () => process.stderr.write('serving\n'));
  close = () => new Promise((resolve) => server.close(() => resolve()));
}
process.on('SIGTERM', () => void close().then(() => process.exit(0)));
