import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { generateCorpus } from '../../../bench/dockerfile-corpus.ts';
import { hadolintCases } from '../../knowledge/rules/dockerfile/test-support/conformance.ts';
import { parseDockerfile } from './parse.ts';

/**
 * A second opinion on where instructions start: dockerfile-ast (the parser behind VS
 * Code's Dockerfile support) must find the same keywords on the same lines as Moat's
 * splitter over hadolint's corpus and the benchmark corpus. (Their arguments differ by
 * design: dockerfile-ast splits on blanks inside quotes and keeps comment lines.)
 */
test('instruction keywords and start lines agree with dockerfile-ast', async () => {
  const texts = [...hadolintCases().map((c) => c.dockerfile), ...generateCorpus(200).map((f) => f.text)];
  let compared = 0;
  for (const text of texts) {
    let ours: string[];
    try {
      ours = (await parseDockerfile(text, { file: 'Dockerfile' })).instructions.map((i) => `${i.keyword}@${i.span.line}`);
    } catch {
      continue; // input Moat rejects with a located error (covered elsewhere)
    }
    const theirs = DockerfileParser.parse(text).getInstructions().map((i) => `${i.getKeyword()}@${i.getRange().start.line + 1}`);
    assert.deepEqual(ours, theirs, JSON.stringify(text));
    compared++;
  }
  assert.ok(compared > 1000, `compared ${compared}`);
});
