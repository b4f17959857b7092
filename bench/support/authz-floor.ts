/**
 * The transport floor of the authorization plugin: a process that speaks the plugin's
 * HTTP/1.1 on a unix socket exactly as `moat enforce serve` does (node:http, the same
 * server limits, the same response headers), reads each request body whole and answers
 * `{"Allow":true}` without looking at it. What the plugin costs above this is Moat's own
 * work. Run as `node bench/support/authz-floor.ts SOCKET`; it prints "serving" when ready.
 */
import { createServer } from 'node:http';

const socket = process.argv[2];
if (!socket) throw new Error('usage: authz-floor.ts SOCKET');
const ALLOW = '{"Allow":true}';
const server = createServer({ headersTimeout: 2000, requestTimeout: 4000, keepAliveTimeout: 120_000, maxHeaderSize: 64 * 1024 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    // The body is joined and decoded as the plugin does before it judges: that much is transport.
    void Buffer.concat(chunks).toString('utf8');
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.plugins.v1.2+json', 'Content-Length': ALLOW.length });
    res.end(ALLOW);
  });
});
server.listen(socket, () => process.stderr.write('serving\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
