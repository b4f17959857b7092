/**
 * The chunked decoder against llhttp (Node's own binding, the parser it stands in for): on
 * well-formed bodies split anywhere and on bodies damaged at random, both give the same bytes,
 * and both say the end, or both refuse, or both wait for more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedDecoder } from './http-chunked.ts';
import { HTTPParser } from './llhttp.ts';
import { rng } from '../knowledge/vuln/test-support/rng.ts';

const HEAD = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');

interface Outcome {
  body: string;
  end: 'end' | 'error' | 'more';
}

function byLlhttp(body: Buffer, splits: readonly number[]): Outcome {
  const p = new HTTPParser();
  p.initialize(HTTPParser.RESPONSE, {}, 16 * 1024, HTTPParser.kLenientNone);
  const out: Buffer[] = [];
  let end: Outcome['end'] = 'more';
  p[HTTPParser.kOnHeadersComplete] = () => 0;
  p[HTTPParser.kOnBody] = (b: Buffer) => void out.push(b);
  p[HTTPParser.kOnMessageComplete] = () => void (end = 'end');
  for (const part of pieces(Buffer.concat([HEAD, body]), splits.map((s) => s + HEAD.length))) {
    if (end !== 'more') break;
    // The first word stands, as in the reader: bytes after the end that llhttp refuses come too late to matter.
    if (p.execute(part) instanceof Error && end === 'more') end = 'error';
  }
  p.close();
  return { body: Buffer.concat(out).toString('latin1'), end };
}

function byDecoder(body: Buffer, splits: readonly number[]): Outcome & { used?: number } {
  const d = new ChunkedDecoder();
  const out: Buffer[] = [];
  for (const part of pieces(body, splits)) {
    const step = d.write(part, (b) => {
      assert.equal(b.buffer, part.buffer, 'data is a slice of the buffer given, not a copy');
      out.push(b);
    });
    if (step.kind === 'error') return { body: Buffer.concat(out).toString('latin1'), end: 'error' };
    if (step.kind === 'end') return { body: Buffer.concat(out).toString('latin1'), end: 'end', used: step.used };
  }
  return { body: Buffer.concat(out).toString('latin1'), end: 'more' };
}

function pieces(buf: Buffer, splits: readonly number[]): Buffer[] {
  const at = [...new Set(splits.filter((s) => s > 0 && s < buf.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const s of [...at, buf.length]) {
    // Each piece in a buffer of its own, as socket reads come.
    out.push(Buffer.from(buf.subarray(from, s)));
    from = s;
  }
  return out;
}

function wellFormed(r: () => number): Buffer {
  const parts: string[] = [];
  const chunks = Math.floor(r() * 6);
  for (let c = 0; c < chunks; c++) {
    const size = 1 + Math.floor(r() * (r() < 0.2 ? 5000 : 40));
    const hex = size.toString(16);
    const ext = r() < 0.2 ? `;name=value${r() < 0.5 ? ';q="a b"' : ''}` : '';
    const data = Array.from({ length: size }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
    parts.push(`${r() < 0.3 ? hex.toUpperCase() : hex}${ext}\r\n${data}\r\n`);
  }
  parts.push(`${r() < 0.2 ? '000' : '0'}${r() < 0.1 ? ';last' : ''}\r\n`);
  if (r() < 0.3) parts.push('Expires: never\r\nX-Checksum: abc\r\n');
  parts.push('\r\n');
  return Buffer.from(parts.join(''), 'latin1');
}

const splitsOf = (r: () => number, length: number): number[] => Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * (length + 1)));

test('well-formed bodies, split anywhere: the same bytes and the end, with where it fell', () => {
  const r = rng(7);
  for (let i = 0; i < 3000; i++) {
    const body = wellFormed(r);
    const splits = splitsOf(r, body.length);
    const want = byLlhttp(body, splits);
    assert.equal(want.end, 'end', 'the generator writes what llhttp reads whole');
    const got = byDecoder(body, splits);
    assert.deepEqual({ body: got.body, end: got.end }, want, `case ${i}: ${JSON.stringify(body.toString('latin1').slice(0, 200))}`);
  }
  // Where the body ends in the last piece: bytes past it are not the body's.
  const d = new ChunkedDecoder();
  assert.deepEqual(d.write(Buffer.from('3\r\nabc\r\n0\r\n\r\nHTTP/1.1'), () => {}), { kind: 'end', used: 13 });
  assert.equal(d.complete, true);
});

test('damaged bodies: where llhttp refuses, the decoder refuses; where it reads on, so does the decoder, to the same bytes', () => {
  const r = rng(11);
  const alphabet = ['\r', '\n', ' ', '\t', ';', '=', '"', '0', '1', 'f', 'g', 'x', '-', '+', ':', '\u0000', '\u007f', '\u00ff', '\r\n', '\r\n\r\n'];
  let refused = 0;
  for (let i = 0; i < 20000; i++) {
    const clean = wellFormed(r).toString('latin1');
    // Framing damage: inserted, removed or replaced characters, mostly near the framing's own bytes.
    let text = clean;
    for (let m = 1 + Math.floor(r() * 2); m > 0; m--) {
      const at = Math.floor(r() * (text.length + 1));
      const what = alphabet[Math.floor(r() * alphabet.length)] as string;
      const op = r();
      text = op < 0.4 ? text.slice(0, at) + what + text.slice(at) : op < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + what + text.slice(at + what.length);
    }
    const body = Buffer.from(text, 'latin1');
    const splits = splitsOf(r, body.length);
    const want = byLlhttp(body, splits);
    const got = byDecoder(body, splits);
    if (want.end === 'error') {
      refused++;
      assert.equal(got.end, 'error', `case ${i}: llhttp refuses ${JSON.stringify(text.slice(0, 300))}, the decoder said ${got.end}`);
    } else {
      assert.deepEqual({ body: got.body, end: got.end }, want, `case ${i}: ${JSON.stringify(text.slice(0, 300))}`);
    }
  }
  assert.ok(refused > 2000, `damage that llhttp refuses is most of the cases (${refused})`);
});

test('sizes: hex of either case and leading zeros as llhttp reads them; past 2^53, a sign or a space refused', () => {
  const one = (text: string): string => {
    const step = new ChunkedDecoder().write(Buffer.from(text, 'latin1'), () => {});
    return step.kind === 'error' ? step.detail : step.kind;
  };
  assert.equal(one('aB\r\n'), 'more');
  assert.equal(one('0000000000000000000001\r\na\r\n0\r\n\r\n'), 'end');
  assert.equal(one('1fffffffffffff\r\n'), 'more');
  // llhttp would wait for up to 16 EiB; a size no longer exact as a number is refused instead.
  assert.match(one('20000000000000\r\n'), /a chunk size past 2\^53 bytes/);
  assert.match(one('-1\r\n'), /a chunk size expected, found "-"/);
  assert.match(one('1 \r\n'), /byte 0x20 in a chunk size/);
  assert.match(one('\r\n'), /a chunk size expected, found byte 0x0d/);
  assert.match(one('1\r\nab'), /the end of a chunk's data expected, found "b"/);
  assert.match(one('1;a=b c\r\n'), /byte 0x20 in a chunk extension's value/);
  assert.match(one('1\r\na\r\n0\r\n X: y\r\n'), /byte 0x20 where a trailer field begins/);
});
