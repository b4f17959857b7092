/** Syslog: the message is parsed by glossy (an independent RFC 5424 parser); receivers are real sockets on 127.0.0.1 and under a temp dir. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { makeAlert, type Alert } from '../alert.ts';
import { formatSyslog, parseSyslogAddress, syslogSink } from './syslog.ts';

const glossy = createRequire(import.meta.url)('glossy') as { Parse: { parse(m: string): Record<string, unknown> } };
const alert = (n: number, severity: Alert['severity'] = 'high'): Alert => makeAlert({ kind: 'drift', severity, message: `m${n}`, container: { id: 'c1', name: 'web' }, details: { path: '/etc/x', change: 'added', reason: 'system-path' } });

test('RFC 5424: facility and severity in PRI, the kind as MSGID, the alert JSON as MSG', () => {
  const a = alert(1, 'critical');
  const parsed = glossy.Parse.parse(formatSyslog(a, 16, { host: 'my host', pid: 42 }));
  assert.equal(parsed.type, 'RFC5424');
  assert.equal(parsed.facility, 'local0');
  assert.equal(parsed.severity, 'crit');
  assert.equal(parsed.host, 'myhost');
  assert.equal(parsed.appName, 'moat');
  assert.equal(parsed.pid, '42');
  assert.equal(parsed.msgID, 'drift');
  assert.deepEqual(JSON.parse(String(parsed.message)), a);
  assert.equal(glossy.Parse.parse(formatSyslog(alert(2, 'medium'), 4)).severity, 'warn');
});

test('an alert too large for a datagram keeps its headline and says it was cut', () => {
  const big = makeAlert({ kind: 'exec', severity: 'high', message: 'x'.repeat(20_000), details: { execId: '1', command: ['y'.repeat(20_000)] } });
  const line = formatSyslog(big, 16, { maxBytes: 8192 });
  assert.ok(Buffer.byteLength(line) <= 8192, String(Buffer.byteLength(line)));
  const msg = JSON.parse(String(glossy.Parse.parse(line).message)) as { truncated: boolean; kind: string };
  assert.equal(msg.truncated, true);
  assert.equal(msg.kind, 'exec');
});

test('UDP to a receiver on 127.0.0.1', async () => {
  const rx = createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  const sink = syslogSink({ address: `udp://127.0.0.1:${(rx.address() as AddressInfo).port}`, facility: 'auth' });
  for (let i = 0; i < 3; i++) sink.write(alert(i));
  assert.equal(await sink.flush(2000), 0);
  for (let i = 0; i < 50 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(got.map((m) => (JSON.parse(String(glossy.Parse.parse(m).message)) as Alert).message), ['m0', 'm1', 'm2']);
  assert.equal(glossy.Parse.parse(got[0] ?? '').facility, 'auth');
  await sink.close();
  rx.close();
});

test('a unix stream socket (/dev/log-style, under a temp dir) that appears late: queued alerts arrive in order, newline-framed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-syslog-'));
  const path = join(dir, 'log');
  const sink = syslogSink({ address: `unix://${path}`, backoffMs: 20, maxBackoffMs: 50 });
  try {
    sink.write(alert(0));
    sink.write(alert(1));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sink.stats().queued, 2);
    assert.ok(sink.stats().failures > 0);
    let text = '';
    const server: Server = createServer((s: Socket) => s.on('data', (c: Buffer) => (text += c)));
    server.listen(path);
    await once(server, 'listening');
    sink.write(alert(2));
    assert.equal(await sink.flush(3000), 0);
    for (let i = 0; i < 50 && text.split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    const lines = text.split('\n').filter(Boolean);
    assert.deepEqual(lines.map((l) => (JSON.parse(String(glossy.Parse.parse(l).message)) as Alert).message), ['m0', 'm1', 'm2']);
    await sink.close();
    server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('syslog addresses are checked up front', () => {
  assert.deepEqual(parseSyslogAddress('udp://127.0.0.1'), { kind: 'udp', host: '127.0.0.1', port: 514 });
  assert.deepEqual(parseSyslogAddress('unix:///dev/log'), { kind: 'unix', path: '/dev/log' });
  assert.throws(() => parseSyslogAddress('http://x'), /use udp:\/\/, tcp:\/\/ or unix:\/\//);
  assert.throws(() => syslogSink({ address: 'udp://127.0.0.1:514', facility: 'nope' }), /unknown syslog facility "nope"/);
});
