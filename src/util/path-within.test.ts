import { test } from 'node:test';
import assert from 'node:assert/strict';
import { within } from './path-within.ts';

test('within is the text test `dir === "/" || p === dir || p.startsWith(dir + "/")`, for every pair of a set of tricky paths', () => {
  const paths = ['/', '/a', '/a/', '/a/b', '/ab', '/ab/c', '/a/b/c', '/a-b', '/a.b', '', 'a', 'a/b', '/var/run', '/var/run/docker.sock', '/var/run.d', '//', '/a//b'];
  for (const p of paths) for (const dir of paths) assert.equal(within(p, dir), dir === '/' || p === dir || p.startsWith(`${dir}/`), `${JSON.stringify(p)} in ${JSON.stringify(dir)}`);
});
