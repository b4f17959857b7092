import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoatError } from '../../util/errors.ts';
import { parseDaemonJson } from './config-file.ts';

const FILE = '/etc/docker/daemon.json';

test('every top-level key is an option located at its line and column, with its value as written', () => {
  const text = '{\n  "icc": false,\n  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],\n\t"log-opts": {"max-size": "10m"},\n  "storage-opts": ["dm.basesize=20G"], "log-level": "info"\n}\n';
  const opts = parseDaemonJson(text, FILE);
  assert.deepEqual(
    opts.map((o) => [o.key, o.at.line, o.at.column]),
    [
      ['icc', 2, 3],
      ['hosts', 3, 3],
      ['log-opts', 4, 2],
      ['storage-opts', 5, 3],
      ['log-level', 5, 40],
    ],
  );
  const icc = opts[0];
  assert.deepEqual(icc, { key: 'icc', value: false, from: 'daemon.json', at: { file: FILE, line: 2, column: 3, path: 'icc' } });
  assert.deepEqual(opts[1]?.value, ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376']);
  assert.deepEqual(opts[2]?.value, { 'max-size': '10m' });
});

test('a repeated key keeps its last value and the last position, as JSON.parse does', () => {
  const opts = parseDaemonJson('{\n  "icc": true,\n  "icc": false\n}', FILE);
  assert.equal(opts.length, 1);
  assert.equal(opts[0]?.value, false);
  assert.equal(opts[0]?.at.line, 3);
});

test('an empty file, or one with a byte-order mark, is accepted as recent engines accept it', () => {
  assert.deepEqual(parseDaemonJson('  \n', FILE), []);
  const opts = parseDaemonJson('\uFEFF{"icc": false}', FILE);
  assert.equal(opts[0]?.value, false);
  assert.equal(opts[0]?.at.column, 2);
});

function located(text: string): string {
  try {
    parseDaemonJson(text, FILE);
  } catch (e) {
    assert.ok(e instanceof MoatError);
    assert.equal(e.kind, 'incomplete');
    return e.message;
  }
  assert.fail('expected the file to be rejected');
}

test('malformed JSON: one located line saying what is wrong and that dockerd will not start', () => {
  assert.equal(located('{\n  "icc": false,\n  "x": }\n'), "/etc/docker/daemon.json:3:8: expected a value, found '}'; fix the file (dockerd refuses to start with it)");
  assert.equal(located('{\n  "icc": false,\n}'), "/etc/docker/daemon.json:3:1: trailing comma before '}' (JSON does not allow one); fix the file (dockerd refuses to start with it)");
  assert.equal(located('{\n  "icc": false\n'), '/etc/docker/daemon.json:3:1: end of file inside an object (missing }); fix the file (dockerd refuses to start with it)');
  assert.ok(!located('{"a": tru}').includes('\n'));
});

test('a top level that is not an object is rejected where it starts', () => {
  assert.equal(located('\n  ["icc"]'), '/etc/docker/daemon.json:2:3: the top level must be a JSON object ({ "key": value, ... }), not an array; fix the file (dockerd refuses to start with it)');
  assert.match(located('null'), /:1:1: .*not null;/);
  assert.match(located('"icc"'), /:1:1: .*not a string;/);
});
