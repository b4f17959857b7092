/**
 * The shell grammar is loaded by the first Dockerfile that needs it (parse.ts): a file read
 * before that, and the file that makes it load, must come out as they do with the grammar
 * loaded from the start. Its own file, so that no other test has loaded the grammar first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, parseWith } from './parse.ts';
import { shellParser } from './shell.ts';
import { MoatError } from '../../util/errors.ts';

test('files read before and while the grammar loads are read as with it loaded', async () => {
  const plain = 'FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n';
  const needs = 'FROM debian:12\nRUN if [ -f /x ]; then echo "$(cat /x)" | tee /y; fi\nRUN make\n';
  const first = await parseDockerfile(plain, { file: 'a/Dockerfile' });
  const second = await parseDockerfile(needs, { file: 'b/Dockerfile' });
  const parser = await shellParser();
  assert.deepEqual(first, parseWith(parser, plain, { file: 'a/Dockerfile' }));
  assert.deepEqual(second, parseWith(parser, needs, { file: 'b/Dockerfile' }));
  assert.deepEqual(second.instructions[1]?.shell?.commands.map((c) => [c.name, c.conditional]), [['echo', true], ['cat', true], ['tee', true]]);
  // A bad file is still refused with its own error, grammar or not.
  await assert.rejects(parseDockerfile('FROM x\nRUN <<EOF\nnever closed\n', { file: 'c/Dockerfile' }), (e: unknown) => e instanceof MoatError && /c\/Dockerfile:2:\d+: unterminated heredoc/.test(e.message));
});
