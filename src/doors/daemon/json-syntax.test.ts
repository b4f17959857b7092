import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonSyntaxError, lineColumn } from './json-syntax.ts';

/** Texts JSON.parse rejects, with the error we expect to point at. */
const BAD: Array<[string, string, RegExp]> = [
  ['{\n  "icc": false,\n  "x": }', '3:8', /expected a value, found '\}'/],
  ['{"a":1,}', '1:8', /trailing comma before '\}'/],
  ['[1,2,]', '1:6', /trailing comma before '\]'/],
  ['{"a":1', '1:7', /end of file inside an object \(missing \}\)/],
  ['{"a": tru}', '1:7', /expected a value, found `tru`/],
  ['{"a":"b\u0001"}', '1:8', /control character U\+0001 inside a string/],
  ['\n\n  {"a":1} x', '3:11', /unexpected `x` .* after the end of the JSON document/],
  ['{\n  // comment\n  "a": 1\n}', '2:3', /a comment \(JSON has no comments\)/],
  ["{'a': 1}", '1:2', /single quote/],
  ['{a: 1}', '1:2', /expected a property name in double quotes, found `a`/],
  ['{"a" 1}', '1:6', /expected ':' after the property name/],
  ['{"a": 01}', '1:7', /invalid number 01/],
  ['{"a": 1.}', '1:7', /invalid number 1\./],
  ['{"a": -}', '1:7', /invalid number/],
  ['{"a": "\\x"}', '1:8', /invalid escape \\x/],
  ['{"a": "\\u12"}', '1:8', /four hexadecimal digits/],
  ['{"a": "line\nbreak"}', '1:12', /line break inside a string/],
  ['{"a": "open', '1:12', /end of file inside a string/],
  ['{"a": [1 2]}', '1:10', /expected ',' or '\]' after an array element, found '2'/],
  ['{"a": 1 "b": 2}', '1:9', /expected ',' or '\}' after an object member/],
  ['', '1:1', /the file is empty/],
  ['{"a": NaN}', '1:7', /`NaN`/],
  ['[', '1:2', /end of file where a value was expected/],
];

for (const [text, where, message] of BAD) {
  test(`locates ${JSON.stringify(text)} at ${where}`, () => {
    assert.throws(() => JSON.parse(text));
    const err = findJsonSyntaxError(text);
    assert.ok(err, 'an error was expected');
    const { line, column } = lineColumn(text, err.offset);
    assert.equal(`${line}:${column}`, where);
    assert.match(err.message, message);
  });
}

test('accepts every text JSON.parse accepts, including deep nesting that recursion would not survive', () => {
  const good = [
    '{}',
    '[]',
    '{"a":[1,-2.5e+3,0,true,false,null,"\\u00e9\\n\\"\\\\\\/"],"b":{"c":{}}}',
    ' \t\r\n{"hosts": ["unix:///var/run/docker.sock"]}\r\n',
    '"just a string"',
    '12',
    '[' .repeat(100_000) + ']'.repeat(100_000),
    '{"a":1,"a":2}',
  ];
  for (const text of good) {
    JSON.parse(text);
    assert.equal(findJsonSyntaxError(text), undefined, text.slice(0, 40));
  }
});

test('agrees with JSON.parse on every prefix of a realistic file', () => {
  const full = '{\n  "icc": false,\n  "log-opts": {"max-size": "10m", "max-file": "3"},\n  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},\n  "x": [1.5e-3, -0, "\\u0041"]\n}\n';
  for (let n = 0; n <= full.length; n++) {
    const text = full.slice(0, n);
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    assert.equal(findJsonSyntaxError(text) === undefined, valid, JSON.stringify(text));
  }
});

test('line and column count \\n only, so a CRLF file has the same lines an editor shows', () => {
  assert.deepEqual(lineColumn('{\r\n  "a": x', 10), { line: 2, column: 8 });
  assert.deepEqual(lineColumn('abc', 0), { line: 1, column: 1 });
});
