import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCorpus, generateRealWorldCorpus } from '../../../bench/dockerfile-corpus.ts';
import { ANY_HINT, SCAN_HINTS, secretSpans } from './mask.ts';
import { entropy, isPlaceholder, SECRET_PATTERNS } from './patterns.ts';

// Assembled at run time so this file holds no scanner-triggering literal.
const samples = [
  'AKIA' + 'IOSFODNN7EXAMPLE',
  'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY',
  'AWS_SECRET_ACCESS_KEY=' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY',
  'token: ' + 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  'x ' + 'gho_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' + ' y',
  'github_pat_' + 'A'.repeat(82),
  'glpat-' + 'xY3kL9mN2pQ7rS5tV8wZ',
  'xoxb-' + '1234567890-0987654321-AbCdEfGhIjKlMnOp',
  'https://hooks.slack.com/services/' + 'T0123ABCD/B0123ABCD/' + 'aB3dE5gH7jK9mN1pQ',
  '//registry.npmjs.org/:_authToken=' + 'npm_' + 'abcdefghijklmnopqrstuvwxyz0123456789',
  '_password=' + 'Zx9qW2rT7yU1',
  'key=' + 'AIza' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  'AccountKey=' + 'A'.repeat(40) + 'b'.repeat(46) + '==',
  'https://x.blob.core.windows.net/c?sv=2020&sig=' + 'aB3dE5gH7jK9mN1pQrS2tU4vW6xY8zA0bC1dE3fG5hI',
  '{"type": "service_account", "private_key": "' + 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' + '"}',
  '-----BEGIN ' + 'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
  'curl https://deploy:Zx9!qW2#rT7@example.com/x',
  'curl HTTPS://deploy:Zx9!qW2#rT7@example.com/x and git+ssh://u:Qw8!eR4%tY6@h/x',
  'a'.repeat(40) + '://u:Qw8!eR4%tY6@h/x ' + 'b'.repeat(20) + 'ftp://u:Kj7#mN2$pL9@h',
  'x://u:Qw8!eR4%tY6@h ' + '://'.repeat(5) + ' y://u:Zx9!qW2#rT7@h',
  'DB_PASSWORD=Q7v!x9Lp2#sK',
  'export PassWD: "Zx9qW2rT7yU1x"',
  'Api-Key=Q7v!x9Lp2#sKw',
  'PRIVATE_KEY=Q7v!x9Lp2#sKw and credentials: Zx9qW2rT7yU1 and pwd=Kj7#mN2$pL9q',
  'ACCESS_KEY=Q7v!x9Lp2#sKw auth_key=Zx9qW2rT7yU1x Token=Kj7#mN2pL9qQ secret: Zq9#mN2pL9qQ',
  'x private-key: Q7v!x9Lp2#sKw apikey=Zx9qW2rT7yU1x api_key=Kj7#mN2pL9qQ access-key=Zq9#mN2pL9qQ key key=x',
  // Lower-casing `İ` lengthens the text: offsets from the lower-cased copy would be wrong.
  'İİİİ x password=Q7v!x9Lp2#sKw İ https://u:Zx9!qW2#rT7@h',
];

/** The patterns run one by one over the whole text, with no hint and no anchor: what secretSpans must equal. */
function reference(text: string): ReturnType<typeof secretSpans> {
  const out: ReturnType<typeof secretSpans> = [];
  for (const p of SECRET_PATTERNS) {
    const re = new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const value = m[1] ?? m[0];
      const start = m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0);
      if (p.minEntropy !== undefined && (entropy(value) < p.minEntropy || isPlaceholder(value))) continue;
      if (out.some((o) => start < o.end && o.start < start + value.length)) continue;
      out.push({ kind: p.id, label: p.label, start, end: start + value.length, value });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

test('every scan hint names a pattern, and each sample secret passes the hint of the pattern that finds it', () => {
  const ids = new Set(SECRET_PATTERNS.map((p) => p.id));
  for (const id of Object.keys(SCAN_HINTS)) assert.ok(ids.has(id), `hint for unknown pattern ${id}`);
  const found = new Set<string>();
  for (const text of samples) {
    for (const s of reference(text)) {
      found.add(s.kind);
      assert.equal(SCAN_HINTS[s.kind]?.(text, () => text.toLowerCase()) ?? true, true, `${s.kind} in ${JSON.stringify(text)}`);
    }
  }
  // The samples reach every pattern, so the comparison below covers each hint.
  assert.deepEqual([...ids].filter((id) => !found.has(id)), []);
});

test('a text that passes any hint passes the one scan for all of them (else no pattern would run on it)', () => {
  const texts = [...samples, 'AccountKey=x', 'https://hooks.slack.com/services/T0', '_password=x', 'KEY', 'pAsS', 'xoxb-'];
  for (const f of [...generateRealWorldCorpus(100), ...generateCorpus(100)]) texts.push(...f.text.split('\n'));
  let hinted = 0;
  for (const text of texts) {
    const any = Object.values(SCAN_HINTS).some((hint) => hint(text, () => text.toLowerCase()));
    if (any) hinted++;
    if (any) assert.ok(ANY_HINT.test(text), JSON.stringify(text.slice(0, 200)));
  }
  assert.ok(hinted > samples.length, 'the texts reach the hints');
  assert.equal(ANY_HINT.test('RUN make -j4 install && rm -rf /usr/src/app'), false);
});

test('the hinted scan finds what the plain scan finds: samples, joined samples and every line of the lint corpora', () => {
  const texts = [...samples, samples.join(' '), samples.join('\n'), ...samples.map((s) => `RUN echo ${s} && curl -fsSL https://example.com/x`)];
  for (const f of [...generateRealWorldCorpus(200), ...generateCorpus(200)]) texts.push(f.text, ...f.text.split('\n'));
  for (const text of texts) assert.deepEqual(secretSpans(text), reference(text), JSON.stringify(text.slice(0, 200)));
});
