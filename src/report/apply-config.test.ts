import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../models/finding.ts';
import { allRules, ruleById } from '../knowledge/rules/index.ts';
import type { Rule } from '../models/rule.ts';
import { applyConfig, selectConfiguredRules } from './apply-config.ts';
import { globToRegExp } from '../util/glob.ts';
import { emptyConfig, parseConfig } from '../doors/config/load.ts';
import type { Benchmark } from '../models/cis-benchmark.ts';

const FILE = '/repo/moat.yaml';
const NOW = new Date('2026-12-01T12:00:00Z');
const config = (text: string) => parseConfig(text, FILE, allRules);
const rule = (id: string): Rule => ruleById(id) ?? assert.fail(`no rule ${id}`);

function finding(ruleId: string, subjectName: string, over: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    severity: 'high',
    title: 't',
    message: 'm',
    subject: { kind: 'container', id: `${subjectName}-id`, name: subjectName },
    remediation: 'r',
    references: {},
    ...over,
  };
}

test('an ignore suppresses the matching findings only, keeping them with their reason', () => {
  const c = config('ignore:\n  - rule: container-docker-socket\n    subject: portainer*\n    reason: manages the engine\n    expires: 2026-12-01\n');
  const { findings, warnings } = applyConfig(
    [finding('container-docker-socket', 'portainer-agent'), finding('container-docker-socket', 'web'), finding('container-privileged', 'portainer-agent')],
    c,
    { now: NOW, ran: allRules },
  );
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.subject.name, f.suppressed]),
    [
      ['container-docker-socket', 'portainer-agent', { reason: 'manages the engine', expires: '2026-12-01' }],
      ['container-docker-socket', 'web', undefined],
      ['container-privileged', 'portainer-agent', undefined],
    ],
  );
  assert.deepEqual(warnings, []);
});

test('an ignore by CIS id covers the rule with that id; without subject it covers every subject', () => {
  const c = config('ignore:\n  - rule: "5.10"\n    reason: monitoring agents\n');
  const { findings } = applyConfig([finding('container-host-network', 'a'), finding('container-host-network', 'b'), finding('container-host-pid', 'a')], c, { now: NOW, ran: allRules });
  assert.deepEqual(findings.map((f) => !!f.suppressed), [true, true, false]);
});

test('an expired ignore stops suppressing and says where it is and what it no longer covers', () => {
  const c = config('ignore:\n  - rule: container-privileged\n    subject: legacy\n    reason: migration\n    expires: 2026-11-30\n');
  const { findings, warnings } = applyConfig([finding('container-privileged', 'legacy')], c, { now: NOW, ran: allRules });
  assert.equal(findings[0]?.suppressed, undefined);
  assert.deepEqual(warnings, [
    {
      message: '/repo/moat.yaml:2:5: the ignore of container-privileged for "legacy" expired on 2026-11-30 and no longer suppresses 1 finding: fix the finding, or renew the ignore with a new expires date',
      location: { file: FILE, line: 2, column: 5 },
    },
  ]);
  // The expiry day itself is still covered, whatever the time of day.
  const lastDay = applyConfig([finding('container-privileged', 'legacy')], c, { now: new Date('2026-11-30T23:59:59Z'), ran: allRules });
  assert.ok(lastDay.findings[0]?.suppressed);
  assert.deepEqual(lastDay.warnings, []);
});

test('an ignore that matches nothing is reported, unless its rule did not run', () => {
  const c = config('ignore:\n  - rule: container-privileged\n    subject: gone\n    reason: old\n');
  assert.match(applyConfig([], c, { now: NOW, ran: allRules }).warnings[0]?.message ?? '', /:2:5: the ignore of container-privileged for "gone" matches no finding/);
  assert.deepEqual(applyConfig([], c, { now: NOW, ran: [rule('container-host-pid')] }).warnings, []);
});

test('severity overrides re-rate findings before ignores apply', () => {
  const c = config('rules:\n  severity:\n    container-pids-limit: low\n');
  const { findings } = applyConfig([finding('container-pids-limit', 'a'), finding('container-privileged', 'a')], c, { now: NOW, ran: allRules });
  assert.deepEqual(findings.map((f) => f.severity), ['low', 'high']);
});

test('file findings match by path relative to moat.yaml', () => {
  const c = config('ignore:\n  - rule: container-privileged\n    subject: deploy/*.yaml\n    reason: test fixtures\n');
  const inFile = (file: string) => finding('container-privileged', 'svc', { subject: { kind: 'file', id: file, name: 'web' }, location: { file, line: 3 } });
  const { findings } = applyConfig([inFile('/repo/deploy/compose.yaml'), inFile('/repo/prod/compose.yaml')], c, { now: NOW, ran: allRules });
  assert.deepEqual(findings.map((f) => !!f.suppressed), [true, false]);
});

test('rule selection: moat.yaml disables and narrows; --checks on the command line wins; --skip adds', () => {
  const ids = (rs: readonly Rule[]) => rs.map((r) => r.meta.id);
  const c = config('rules:\n  only: ["5"]\n  disable: [container-privileged]\n');
  const fromFile = ids(selectConfiguredRules(allRules, c, { checks: [], skip: [] }));
  assert.ok(fromFile.length > 0 && fromFile.every((id) => rule(id).meta.cis?.id.startsWith('5.')));
  assert.ok(!fromFile.includes('container-privileged'));
  assert.deepEqual(ids(selectConfiguredRules(allRules, c, { checks: ['container-privileged'], skip: [] })), ['container-privileged']);
  assert.ok(!ids(selectConfiguredRules(allRules, c, { checks: [], skip: ['container-host-pid'] })).includes('container-host-pid'));
});

test('globs: * spans any characters, everything else is literal', () => {
  assert.ok(globToRegExp('web-*').test('web-1'));
  assert.ok(globToRegExp('a.b').test('a.b'));
  assert.ok(!globToRegExp('a.b').test('axb'));
  assert.ok(globToRegExp('*').test('anything/at/all'));
  assert.ok(!globToRegExp('(x)+').test('xx'));
});

test('--checks and --skip take the chosen benchmark version\'s CIS ids', () => {
  const pick = (b: Benchmark, checks: string[]): string[] => selectConfiguredRules(allRules, emptyConfig('/repo', b), { checks, skip: [] }).map((r) => r.meta.id);
  assert.deepEqual(pick('cis-1.8.0', ['2.8']), ['daemon-tls']);
  assert.deepEqual(pick('cis-1.7.0', ['2.8']), ['daemon-default-ulimit']);
  assert.deepEqual(pick('cis-1.6.0', ['2.8']), ['daemon-default-ulimit']);
  assert.deepEqual(pick('cis-1.8.0', ['2.7']), ['daemon-devicemapper']);
  assert.deepEqual(pick('cis-1.8.0', ['1.1.9']), ['host-audit-docker-sock']);
  assert.deepEqual(pick('cis-1.6.0', ['1.1.9']), ['host-audit-docker-socket']);
  // 2.19 is v1.8.0's only: asking an older version for it is a usage error, not an empty run.
  assert.throws(() => pick('cis-1.7.0', ['2.19']), /unknown check "2.19"/);
  const skipped = selectConfiguredRules(allRules, emptyConfig('/repo', 'cis-1.8.0'), { checks: [], skip: ['2.8'] }).map((r) => r.meta.id);
  assert.ok(skipped.includes('daemon-default-ulimit') && !skipped.includes('daemon-tls'));
});

test('moat.yaml benchmark: numbers its ignores and rules.only in that version; --benchmark wins', () => {
  const yaml = 'benchmark: cis-1.6.0\nrules:\n  only: ["2.18"]\nignore:\n  - rule: "2.7"\n    reason: TLS is terminated by the proxy\n';
  const config = parseConfig(yaml, '/repo/moat.yaml', allRules);
  assert.equal(config.benchmark, 'cis-1.6.0');
  assert.deepEqual(selectConfiguredRules(allRules, config, { checks: [], skip: [] }).map((r) => r.meta.id), ['daemon-experimental']);
  const flagged = parseConfig(yaml, '/repo/moat.yaml', allRules, 'cis-1.8.0');
  assert.equal(flagged.benchmark, 'cis-1.8.0');
  assert.deepEqual(selectConfiguredRules(allRules, flagged, { checks: [], skip: [] }).map((r) => r.meta.id), ['daemon-seccomp-profile']);
  // 2.19 exists in v1.8.0 only, so the same file read as v1.8.0 accepts it, and as v1.6.0 does not.
  assert.equal(parseConfig('rules:\n  only: ["2.19"]\n', '/repo/moat.yaml', allRules, 'cis-1.8.0').benchmark, 'cis-1.8.0');
  assert.throws(() => parseConfig('benchmark: cis-1.6.0\nrules:\n  only: ["2.19"]\n', '/repo/moat.yaml', allRules), /moat\.yaml:3:\d+: unknown rule "2\.19"/);
  assert.throws(() => parseConfig('benchmark: cis-1.5.0\n', '/repo/moat.yaml', allRules), /moat\.yaml:1:\d+: benchmark: must be one of cis-1\.6\.0, cis-1\.7\.0, cis-1\.8\.0/);
});
