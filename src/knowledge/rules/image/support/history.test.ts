import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStep, simpleCommands } from './history.ts';

const step = (createdBy: string): ReturnType<typeof parseStep> => parseStep({ createdBy, size: 0 }, 0);

test('reads classic-builder, BuildKit and exec-form records', () => {
  assert.deepEqual([step('/bin/sh -c #(nop)  ENV A=b').instruction, step('/bin/sh -c #(nop)  ENV A=b').text], ['ENV', 'A=b']);
  assert.deepEqual([step('/bin/sh -c apt-get update').instruction, step('/bin/sh -c apt-get update').text], ['RUN', 'apt-get update']);
  assert.deepEqual([step('RUN /bin/sh -c make # buildkit').instruction, step('RUN /bin/sh -c make # buildkit').text], ['RUN', 'make']);
  assert.equal(step('ADD file:abc in / ').instruction, 'ADD');
  assert.deepEqual([step('apt-get update').instruction, step('apt-get update').text], ['RUN', 'apt-get update']);
});

test('splits off the build arguments a RUN used, quoted values included', () => {
  const s = step('|2 TOKEN="a b" X=1 /bin/sh -c echo hi');
  assert.deepEqual(s.buildArgs, [{ name: 'TOKEN', value: 'a b' }, { name: 'X', value: '1' }]);
  assert.equal(s.text, 'echo hi');
  const bk = step('RUN |1 API_KEY=zz /bin/sh -c make # buildkit');
  assert.deepEqual(bk.buildArgs, [{ name: 'API_KEY', value: 'zz' }]);
});

test('splits a shell line into simple commands, dropping assignments and sudo, keeping quoted text whole', () => {
  assert.deepEqual(simpleCommands('DEBIAN_FRONTEND=noninteractive apt-get update && sudo apt-get install -y curl; rm -rf /var/lib/apt/lists/*'), [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', 'curl'],
    ['rm', '-rf', '/var/lib/apt/lists/*'],
  ]);
  assert.deepEqual(simpleCommands('echo "apt-get update && x" | tee /log'), [['echo', 'apt-get update && x'], ['tee', '/log']]);
  assert.deepEqual(simpleCommands('set -e\napk update'), [['set', '-e'], ['apk', 'update']]);
});
