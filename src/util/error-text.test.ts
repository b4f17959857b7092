/** Error text stays readable whatever it names: lists cut with "… and N more", lines and their length capped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMoat } from '../../test/support/moat-cli.ts';
import { capText, listSome, MAX_LINE_CHARS, MAX_LINES } from './error-text.ts';

test('listSome names the first items and counts the rest', () => {
  assert.equal(listSome(['a', 'b', 'c'], 5), 'a, b, c');
  const images = Array.from({ length: 200_000 }, (_, i) => `img${i}`);
  assert.equal(listSome(images, 3, ' '), 'img0 img1 img2 … and 199,997 more');
});

test('capText cuts long lines and many lines, saying how much was left out, in one pass', () => {
  assert.equal(capText('short'), 'short');
  const long = 'x'.repeat(1_600_000);
  const cut = capText(long);
  assert.equal(cut, `${'x'.repeat(MAX_LINE_CHARS)}… (1,599,000 more characters)`);
  const many = Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n');
  const lines = capText(many).split('\n');
  assert.equal(lines.length, MAX_LINES + 1);
  assert.equal(lines.at(-1), `… and ${(200_000 - MAX_LINES).toLocaleString('en-US')} more lines`);
  const t0 = performance.now();
  capText('y\n'.repeat(2_000_000));
  assert.ok(performance.now() - t0 < 5_000, 'linear in the text');
});

test('the CLI: an error naming 20,000 images is one short line, exit 2', async () => {
  const images = Array.from({ length: 20_000 }, (_, i) => `img${i}`);
  const r = await runMoat(['sbom', ...images], { cwd: process.cwd() });
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.ok((lines[0] ?? '').length < 1000, `${(lines[0] ?? '').length} characters`);
  assert.match(lines[0] ?? '', /^moat: sbom: one TARGET at a time \(got 20000: img0 img1 .* img9 … and 19,990 more\)$/);
});
