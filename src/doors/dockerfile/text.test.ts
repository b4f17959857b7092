import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MappedText } from './text.ts';

/** Slicing as it was first written: every piece copied, the text joined piece by piece. */
function referenceSlice(m: MappedText, pieces: [string, number, number][], from: number, to = m.text.length): { text: string; at: { line: number; column: number }[] } {
  const out = new MappedText();
  let offset = 0;
  for (const [piece, line, column] of pieces) {
    const start = offset;
    const end = Math.min(to, start + piece.length);
    offset += piece.length;
    if (end <= from) continue;
    if (start >= to) break;
    const skip = Math.max(0, from - start);
    out.append(piece.slice(skip, end - start), line, column + skip);
  }
  return { text: out.text, at: Array.from({ length: out.text.length + 1 }, (_, k) => out.position(k)) };
}

test('a slice of a mapped text keeps the text and every position, wherever it starts and ends (empty pieces too)', () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const pieces: [string, number, number][] = Array.from({ length: 1 + rand(6) }, (_, k) => ['abcdefghij'.slice(0, rand(5) === 0 ? 0 : 1 + rand(9)), 10 + k, 1 + rand(4)]);
    const m = new MappedText();
    for (const [piece, line, column] of pieces) m.append(piece, line, column);
    for (let from = 0; from <= m.text.length + 1; from++) {
      for (let to = from; to <= m.text.length + 1; to++) {
        const got = m.slice(from, to);
        const want = referenceSlice(m, pieces, from, to);
        assert.equal(got.text, want.text, `${JSON.stringify(pieces)} ${from}..${to}`);
        assert.deepEqual(Array.from({ length: got.text.length + 1 }, (_, k) => got.position(k)), want.at, `${JSON.stringify(pieces)} ${from}..${to}`);
        // A slice of a slice maps through both.
        if (got.text.length > 1) assert.deepEqual(got.slice(1).position(0), got.position(1));
      }
      assert.equal(m.slice(from).text, m.text.slice(from));
    }
  }
});
