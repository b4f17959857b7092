import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../../doors/dockerfile/parse.ts';
import { ignoreFor, inlineIgnores } from './inline-ignores.ts';

const ignores = async (text: string) => inlineIgnores(await parseDockerfile(text, { file: 'Dockerfile' }));

test('moat:ignore covers the next instruction, all its lines, with its reason', async () => {
  const list = await ignores('FROM debian:12\n# moat:ignore dockerfile-apt-unpinned,DL3015 pinned by the snapshot mirror\nRUN apt-get update \\\n  && apt-get install -y curl\nRUN apt-get install -y wget\n');
  assert.equal(list.length, 1);
  const [ig] = list;
  assert.deepEqual([ig?.scope, ig?.rules, ig?.reason, ig?.fromLine, ig?.toLine], ['instruction', ['dockerfile-apt-unpinned', 'DL3015'], 'pinned by the snapshot mirror', 3, 4]);
  assert.ok(ignoreFor(list, ['dockerfile-apt-unpinned'], 4));
  assert.ok(ignoreFor(list, ['dockerfile-apt-recommends', 'DL3015'], 3), 'a peer id works too');
  assert.equal(ignoreFor(list, ['dockerfile-apt-unpinned'], 5), undefined, 'the next RUN is not covered');
  assert.equal(ignoreFor(list, ['dockerfile-sudo'], 3), undefined, 'other rules are not covered');
});

test('moat:ignore-stage covers the stage that follows; moat:ignore-file the whole file', async () => {
  const list = await ignores('# moat:ignore-file dockerfile-healthcheck-missing batch job, nothing to probe\nFROM golang:1.23 AS build\nRUN go build\n# moat:ignore-stage dockerfile-last-user-root the runtime drops privileges itself\nFROM debian:12\nUSER root\nCMD ["x"]\n');
  const stage = list.find((i) => i.scope === 'stage');
  assert.deepEqual([stage?.fromLine, stage?.toLine === Number.MAX_SAFE_INTEGER], [5, true]);
  assert.ok(ignoreFor(list, ['dockerfile-last-user-root'], 6));
  assert.equal(ignoreFor(list, ['dockerfile-last-user-root'], 3), undefined);
  assert.ok(ignoreFor(list, ['dockerfile-healthcheck-missing'], 2));
});

test('an ignore must sit directly above its instruction (comments may stand between)', async () => {
  const list = await ignores('FROM debian:12\n# moat:ignore dockerfile-cd reason\n# another comment\nRUN cd /x\n');
  assert.ok(ignoreFor(list, ['dockerfile-cd'], 4));
});

test("hadolint's pragmas are honoured, and have no reason", async () => {
  const list = await ignores('# hadolint global ignore=DL3008\nFROM debian:12\n# hadolint ignore=DL3003, DL3004\nRUN cd /x && sudo y\n# hadolint ignore=DL3003,notarule\nRUN cd /y\n');
  assert.deepEqual(list.map((i) => [i.scope, i.rules.join(','), i.hadolint, i.reason]), [
    ['file', 'DL3008', true, undefined],
    ['instruction', 'DL3003,DL3004', true, undefined],
  ]);
});

test('a moat:ignore without a reason or rules is kept (so it can be reported)', async () => {
  const list = await ignores('FROM debian:12\n# moat:ignore dockerfile-cd\nRUN cd /x\n# moat:ignore\nRUN true\n');
  assert.deepEqual(list.map((i) => [i.rules, i.reason]), [[['dockerfile-cd'], undefined], [[], undefined]]);
});
