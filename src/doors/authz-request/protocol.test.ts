import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, parseAuthzRequest, parseAuthzRequestBySchema } from './protocol.ts';

/** A small seeded generator (mulberry32), so a failure names the case that made it. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** JSON texts for a field's value: absent (undefined), the right shape, each wrong shape, each bound. */
const TEXTS = ['"alice"', '""', 'null', '7', 'true', '[]', '["a"]', '{}', `"${'x'.repeat(32)}"`, `"${'x'.repeat(33)}"`, `"${'u'.repeat(64 * 1024)}"`, `"${'u'.repeat(64 * 1024 + 1)}"`, '"GET"', '"/v1.41/containers/json"'];
const BODIES = [`"${b64('{"Image":"x"}')}"`, `"${b64('ab')}"`, '"YWJj"', '"YWJ"', '"***="', '"YW=j"', '""', 'null', '5', '["YWJj"]', '"YWJjZA=="', '"YWJjZA==="'];
const HEADERS = ['{"Content-Type":"application/json"}', '{}', 'null', '[]', '["a","b"]', '{"a":1}', '{"a":null}', '{"__proto__":"x"}', '{"constructor":"x","b":"c"}', '{"prototype":"x"}', '{"X-A":"1","x-a":"2"}', '{"__PROTO__":"x"}', '"text"', '{"a":{"b":"c"}}'];
const FIELDS: Array<[string, string[]]> = [
  ['User', TEXTS],
  ['UserAuthNMethod', TEXTS],
  ['RequestMethod', TEXTS],
  ['RequestUri', TEXTS],
  ['RequestBody', BODIES],
  ['RequestHeaders', HEADERS],
];

function envelope(next: () => number): string {
  const roll = next();
  if (roll < 0.03) return ['5', '"x"', 'null', 'true', '[{}]'][Math.floor(next() * 5)] as string;
  const parts: string[] = [];
  for (const [name, pool] of FIELDS) {
    // Mostly valid, so that the direct check's accepting side is exercised as much as its refusals.
    const valid = name === 'RequestMethod' ? '"POST"' : name === 'RequestUri' ? '"/v1.41/containers/create?name=a"' : name === 'RequestBody' ? (BODIES[0] as string) : name === 'RequestHeaders' ? (HEADERS[0] as string) : '"alice"';
    const r = next();
    if (r < 0.12) continue;
    parts.push(`"${name}":${r < 0.6 ? valid : (pool[Math.floor(next() * pool.length)] as string)}`);
  }
  if (next() < 0.2) parts.push('"Extra":{"kept":"as the loose object keeps it"}');
  return `{${parts.join(',')}}`;
}

function outcome(parse: (t: string) => unknown, text: string): unknown {
  try {
    return { ok: parse(text) };
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `only ProtocolError escapes (${String(e)})`);
    return { error: e.message };
  }
}

test('the direct envelope check reads 20,000 seeded envelopes exactly as the schema does', () => {
  const next = rng(19);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = envelope(next);
    const direct = outcome(parseAuthzRequest, text);
    assert.deepEqual(direct, outcome(parseAuthzRequestBySchema, text), `case ${i}: ${text.slice(0, 300)}`);
    if ('ok' in (direct as object)) accepted++;
  }
  // Both sides are exercised: the seed gives accepted and refused envelopes in numbers.
  assert.ok(accepted > 3000 && accepted < 17_000, `accepted ${accepted}`);
});

test('envelopes are decoded: headers lower-cased, the body as bytes, errors located', () => {
  const r = parseAuthzRequest(JSON.stringify({ RequestMethod: 'POST', RequestUri: '/x', RequestBody: b64('{"a":1}'), RequestHeaders: { 'Content-Type': 'application/json' }, User: 'bob' }));
  assert.deepEqual({ ...r, body: Buffer.from(r.body ?? []).toString() }, { user: 'bob', method: 'POST', uri: '/x', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  assert.throws(() => parseAuthzRequest('{"RequestMethod":"POST"}'), /malformed AuthZ request at RequestUri: RequestUri is missing/);
  assert.throws(() => parseAuthzRequest('{"RequestMethod":"POST","RequestUri":"/x","RequestHeaders":{"a":1}}'), /at RequestHeaders\.a: a request header value must be text/);
  assert.throws(() => parseAuthzRequest('{"RequestMethod":'), /not JSON/);
});
