import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRules } from '../../knowledge/rules/index.ts';
import { MoatError } from '../../util/errors.ts';
import { findConfigFile, loadConfig, parseConfig } from './load.ts';

const FILE = '/repo/moat.yaml';
const parse = (text: string) => parseConfig(text, FILE, allRules);

/** The one-line message of the config error `text` causes. */
function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof MoatError, `expected a MoatError, got ${String(e)}`);
    assert.equal(e.kind, 'config');
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail('expected a config error');
}

test('a full file is read into located settings', () => {
  const c = parse(`version: 1
rules:
  disable: [container-memory-limit, "1.1"]
  severity:
    container-pids-limit: low
ignore:
  - rule: container-docker-socket
    subject: portainer*
    reason: portainer manages the engine by design
    expires: 2027-03-31
  - rule: "5.10"
    reason: the monitoring agent needs the host network
trust:
  registries: [registry.example.com]
capabilities:
  allowed: [cap_net_bind_service]
`);
  assert.equal(c.file, FILE);
  assert.equal(c.dir, '/repo');
  assert.deepEqual(c.rules.disable, ['container-memory-limit', '1.1']);
  assert.deepEqual(c.rules.severity.get('container-pids-limit'), { severity: 'low', at: { file: FILE, line: 5, column: 27 } });
  assert.equal(c.ignores.length, 2);
  assert.deepEqual(c.ignores[0], {
    rule: 'container-docker-socket',
    subject: 'portainer*',
    reason: 'portainer manages the engine by design',
    expires: '2027-03-31',
    at: { file: FILE, line: 7, column: 5 },
  });
  assert.equal(c.ignores[1]?.rule, '5.10');
  assert.deepEqual(c.trust.registries, ['registry.example.com']);
  assert.deepEqual(c.allowedCapabilities, ['NET_BIND_SERVICE']);
});

test('an empty file, or one with only comments, means all defaults', () => {
  for (const text of ['', '# nothing yet\n', '\uFEFF']) {
    const c = parse(text);
    assert.deepEqual([c.rules.disable, c.ignores, c.trust.registries], [[], [], []]);
  }
});

test('an unknown key is an error at its position, with a suggestion', () => {
  assert.equal(errorOf('ignores:\n  - rule: x\n'), '/repo/moat.yaml:1:1: unknown key "ignores" (did you mean "ignore"?)');
  assert.equal(errorOf('rules:\n  disabled: []\n'), '/repo/moat.yaml:2:3: unknown key "disabled" (did you mean "disable"?)');
  assert.match(errorOf('colour: true\n'), /^\/repo\/moat\.yaml:1:1: unknown key "colour" \(top-level keys: version, rules, ignore, trust, capabilities(, [a-zA-Z]+)*\)$/);
});

test('an ignore needs a reason, and an expiry must be a real date', () => {
  assert.match(errorOf('ignore:\n  - rule: container-privileged\n'), /^\/repo\/moat\.yaml:2:5: ignore\.0\.reason: .*reason/);
  assert.match(errorOf('ignore:\n  - rule: container-privileged\n    reason: "  "\n'), /:3:13: ignore\.0\.reason: reason .* must not be empty/);
  assert.match(errorOf('ignore:\n  - rule: container-privileged\n    reason: ok\n    expires: 2026-02-30\n'), /:4:14: ignore\.0\.expires: expires is not a calendar date/);
  assert.match(errorOf('ignore:\n  - rule: container-privileged\n    reason: ok\n    expires: next week\n'), /:4:14: .*YYYY-MM-DD/);
});

test('unknown rules are errors, with the rule most likely meant', () => {
  assert.equal(
    errorOf('rules:\n  disable: [container-privilegd]\n'),
    '/repo/moat.yaml:2:13: unknown rule "container-privilegd" (did you mean "container-privileged"?): use a rule id (moat rules lists them), a CIS id such as 5.5, or a section such as 5',
  );
  assert.match(errorOf('rules:\n  severity:\n    privileged: low\n'), /^\/repo\/moat\.yaml:3:5: unknown rule "privileged" in rules\.severity \(did you mean "container-privileged"\?\)/);
  assert.match(errorOf('ignore:\n  - rule: 9.9\n    reason: x\n'), /:2:11: unknown rule "9\.9" in ignore/);
  // Unquoted, 5.10 is still CIS 5.10 (not the number 5.1).
  assert.equal(parse('rules:\n  disable: [5.10]\n').rules.disable[0], '5.10');
  assert.match(errorOf('rules:\n  severity:\n    container-privileged: urgent\n'), /:3:27: rules\.severity\.container-privileged: severity must be one of critical, high, medium, low, info/);
});

test('YAML errors and duplicate keys are located', () => {
  assert.match(errorOf('rules: [\n'), /^\/repo\/moat\.yaml:\d+:\d+: not valid YAML: /);
  assert.match(errorOf('version: 1\nversion: 1\n'), /^\/repo\/moat\.yaml:2:1: not valid YAML: Map keys must be unique/);
  assert.match(errorOf('- a\n- b\n'), /^\/repo\/moat\.yaml:1:1: moat\.yaml must be a mapping of settings/);
  assert.match(errorOf('version: 2\n'), /^\/repo\/moat\.yaml:1:10: version: version must be 1$/);
});

test('an alias bomb is refused rather than expanded', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  assert.match(errorOf(lines.join('\n') + '\n'), /^\/repo\/moat\.yaml:1:1: cannot be read: Excessive alias count/);
});

test('moat.yaml is found in the working directory or the nearest one above it; --config overrides', () => {
  const root = mkdtempSync(join(tmpdir(), 'moat-config-'));
  try {
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    assert.equal(findConfigFile(join(root, 'a', 'b')), undefined);
    writeFileSync(join(root, 'moat.yaml'), 'version: 1\n');
    assert.equal(findConfigFile(join(root, 'a', 'b')), join(root, 'moat.yaml'));
    writeFileSync(join(root, 'a', '.moat.yml'), 'version: 1\n');
    assert.equal(findConfigFile(join(root, 'a', 'b')), join(root, 'a', '.moat.yml'));
    writeFileSync(join(root, 'other.yaml'), 'rules:\n  disable: ["5"]\n');
    assert.deepEqual(loadConfig({ cwd: join(root, 'a', 'b'), file: '../../other.yaml', rules: allRules }).rules.disable, ['5']);
    assert.throws(() => loadConfig({ cwd: root, file: 'missing.yaml', rules: allRules }), /cannot read config .*missing\.yaml: no such file \(given with --config\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('images.maxAgeDays is read as a number; anything else is a located error', () => {
  assert.equal(parse('images:\n  maxAgeDays: 30\n').images.maxAgeDays, 30);
  assert.equal(parse('version: 1\n').images.maxAgeDays, undefined);
  assert.match(errorOf('images:\n  maxAgeDays: soon\n'), /^\/repo\/moat\.yaml:2:15: images\.maxAgeDays: images\.maxAgeDays must be a whole number of days/);
  assert.match(errorOf('images:\n  maxAge: 3\n'), /unknown key "maxAge".*maxAgeDays/);
});
