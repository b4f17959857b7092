import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules } from '../../knowledge/rules/index.ts';
import { MoatError } from '../../util/errors.ts';
import { parseConfig } from './load.ts';

const parse = (text: string) => parseConfig(text, '/p/moat.yaml', allRules);
const failsWith = (text: string, re: RegExp): void => {
  assert.throws(() => parse(text), (e: unknown) => e instanceof MoatError && e.kind === 'config' && re.test(e.message), text);
};

test('watch: settings are read with numbers converted and ignores located', () => {
  const c = parse(
    [
      'watch:',
      '  severity: medium',
      '  limitPercent: 80',
      '  restartLoop: { restarts: 5, windowSeconds: 300 }',
      '  webhook: { url: "http://127.0.0.1:9/x", queue: 50 }',
      '  syslog: { address: "udp://127.0.0.1:514", facility: auth }',
      '  ignore:',
      '    - kind: drift',
      '      container: "web-*"',
      '      match: "/etc/nginx/*"',
      '      reason: nginx writes its config at start',
      '      expires: 2030-01-01',
      '',
    ].join('\n'),
  );
  assert.equal(c.watch?.severity, 'medium');
  assert.equal(c.watch?.limitPercent, 80);
  assert.deepEqual(c.watch?.restartLoop, { restarts: 5, windowSeconds: 300 });
  assert.deepEqual(c.watch?.webhook, { url: 'http://127.0.0.1:9/x', queue: 50 });
  assert.equal(c.watch?.syslog?.facility, 'auth');
  assert.equal(c.watch?.ignores.length, 1);
  assert.deepEqual({ ...c.watch?.ignores[0], at: undefined }, { kind: 'drift', container: 'web-*', match: '/etc/nginx/*', reason: 'nginx writes its config at start', expires: '2030-01-01', at: undefined });
  assert.equal(c.watch?.ignores[0]?.at.line, 8);
  assert.equal(parse('rules: {}\n').watch, undefined);
});

test('watch: mistakes are located errors that say what to write', () => {
  failsWith('watch:\n  limitPercent: 150\n', /moat\.yaml:2:17: watch\.limitPercent: limitPercent must be at most 100/);
  failsWith('watch:\n  severity: loud\n', /watch\.severity must be one of critical, high/);
  failsWith('watch:\n  ignore:\n    - kind: drift\n', /reason/);
  failsWith('watch:\n  ignore:\n    - kind: exec\n      reason: r\n      mach: x\n', /unknown key "mach" \(did you mean "match"\?\)|unknown key "mach".*match/);
  failsWith('watch:\n  restartloop: {}\n', /unknown key "restartloop".*restartLoop/);
  failsWith('watch:\n  ignore:\n    - kind: everything\n      reason: r\n', /kind must be one of finding, exec, drift/);
});
