import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../models/finding.ts';
import type { Report } from './model.ts';
import { artifactLocation, FINGERPRINT_KEY, friendlyName, renderSarif, SRCROOT, toSarif, type SarifLog } from './sarif.ts';
import { compileSchema, readJson } from './test-support/ajv.ts';
import { PRIVILEGED_WEB, SAMPLE_CWD, sampleFindings, sampleReport, WEB } from './test-support/sample.ts';

/**
 * The official SARIF 2.1.0 schema and Microsoft's validator (a self-contained .NET binary)
 * both ship in @microsoft/sarif-multitool-linux, installed on Linux through the dev
 * dependency @microsoft/sarif-multitool.
 */
const MULTITOOL_DIR = ((): string => {
  try {
    return dirname(createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json'));
  } catch {
    throw new Error('the SARIF oracle is missing: npm install (dev dependency @microsoft/sarif-multitool brings @microsoft/sarif-multitool-linux)');
  }
})();
const validateSarif = compileSchema(readJson(join(MULTITOOL_DIR, 'sarif-2.1.0.json')) as object, { strict: false });

function richReport(): Report {
  const r = sampleReport();
  r.tool.informationUri = 'https://example.org/moat';
  return r;
}

function sarifOf(report: Report = richReport(), cwd: string | undefined = SAMPLE_CWD): SarifLog {
  return JSON.parse(renderSarif(report, { cwd })) as SarifLog;
}

function resultFor(log: SarifLog, ruleId: string, subjectName: string): SarifLog['runs'][0]['results'][number] {
  const r = log.runs[0].results.find((x) => x.ruleId === ruleId && x.properties.subject.name === subjectName);
  assert.ok(r, `no result for ${ruleId} on ${subjectName}`);
  return r;
}

test('the log validates against the official SARIF 2.1.0 schema', () => {
  const log = sarifOf();
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 1));
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
});

test('the schema check can fail: a bad level and a result without a message are rejected', () => {
  const log = sarifOf() as unknown as { runs: { results: Record<string, unknown>[] }[] };
  const first = log.runs[0]?.results[0];
  assert.ok(first);
  first.level = 'severe';
  delete first.message;
  assert.equal(validateSarif(log), false);
});

test("Microsoft's SARIF validator reports no error or warning", () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-sarif-'));
  try {
    const good = join(dir, 'moat.sarif');
    writeFileSync(good, renderSarif(richReport(), { cwd: SAMPLE_CWD }));
    const goodIssues = multitoolValidate(good, dir);
    assert.deepEqual(goodIssues, []);

    // The validator drops a whole file silently on some malformations, so prove it is
    // actually reading ours: the same log with a dangling ruleIndex must be flagged.
    const broken = sarifOf();
    broken.runs[0].results[0]!.ruleIndex = 99;
    const bad = join(dir, 'broken.sarif');
    writeFileSync(bad, JSON.stringify(broken));
    assert.ok(multitoolValidate(bad, dir).some((i) => i.startsWith('error SARIF1009')), 'validator did not flag a dangling ruleIndex');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `Sarif.Multitool validate` and returns its error and warning results as `level RULE: text`. */
function multitoolValidate(file: string, dir: string): string[] {
  const exe = join(MULTITOOL_DIR, 'Sarif.Multitool');
  // npm runs the package's postinstall chmod, but not with --ignore-scripts.
  if (!(statSync(exe).mode & 0o100)) chmodSync(exe, 0o755);
  // Rule SARIF2006 fetches every URI in the log over HTTP: this machine has no network to spend on it.
  const config = join(dir, 'validate.xml');
  writeFileSync(
    config,
    '<?xml version="1.0" encoding="utf-8"?>\n<Properties>\n  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">\n    <Property Key="RuleEnabled" Value="Disabled" />\n  </Properties>\n</Properties>\n',
  );
  const out = join(dir, `${Math.random().toString(36).slice(2)}.validation.sarif`);
  execFileSync(exe, ['validate', file, '--output', out, '--log', 'ForceOverwrite', '--config', config, '--quiet'], {
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { text?: string; arguments?: string[] } }[] }[] };
  return (log.runs[0]?.results ?? [])
    .filter((r) => r.level === 'error' || r.level === 'warning' || r.level === undefined)
    .map((r) => `${r.level ?? 'warning'} ${r.ruleId}: ${r.message.text ?? (r.message.arguments ?? []).join(' | ')}`);
}

test('each check is a rule with its CIS tag, security-severity and level; results point at it by index', () => {
  const log = sarifOf();
  const rules = log.runs[0].tool.driver.rules;
  assert.deepEqual(
    rules.map((r) => r.id),
    richReport().checks.map((c) => c.ruleId),
  );
  const priv = rules.find((r) => r.id === 'container-privileged');
  assert.ok(priv);
  assert.equal(priv.name, 'ContainerPrivileged');
  assert.equal(priv.shortDescription.text, 'Container runs in privileged mode');
  assert.match(priv.fullDescription.text, /^A privileged container gets every capability/);
  assert.equal(priv.help.text, PRIVILEGED_WEB.remediation);
  assert.equal(priv.helpUri, PRIVILEGED_WEB.references.urls?.[0]);
  assert.deepEqual(priv.properties.tags, ['security', 'CIS-5.5', 'external/cwe/cwe-250']);
  assert.equal(priv.properties['security-severity'], '9.5');
  assert.equal(priv.defaultConfiguration.level, 'error');

  const bySeverity = Object.fromEntries(rules.map((r) => [r.properties.severity, [r.properties['security-severity'], r.defaultConfiguration.level]]));
  assert.deepEqual(bySeverity, { critical: ['9.5', 'error'], high: ['8.0', 'error'], medium: ['5.5', 'warning'], low: ['3.0', 'warning'], info: ['0.0', 'note'] });

  for (const r of log.runs[0].results) assert.equal(rules[r.ruleIndex]?.id, r.ruleId);
  assert.deepEqual(
    log.runs[0].results.map((r) => [r.properties.severity, r.level]).sort(),
    [['critical', 'error'], ['critical', 'error'], ['critical', 'error'], ['info', 'note'], ['low', 'warning'], ['medium', 'warning'], ['medium', 'warning']],
  );
});

test('a finding with no check still gets a rule to point at', () => {
  const report = richReport();
  report.checks = report.checks.filter((c) => c.ruleId !== 'container-memory-limit');
  const log = sarifOf(report);
  const result = resultFor(log, 'container-memory-limit', 'db');
  assert.equal(log.runs[0].tool.driver.rules[result.ruleIndex]?.id, 'container-memory-limit');
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
});

test('a file under the working directory is a relative URI with its region; one outside is an absolute file URI', () => {
  const log = sarifOf();
  const socket = resultFor(log, 'container-docker-socket', 'web');
  assert.deepEqual(socket.locations[0]?.physicalLocation, { artifactLocation: { uri: 'compose.yaml', uriBaseId: SRCROOT }, region: { startLine: 12, startColumn: 9 } });
  assert.deepEqual(log.runs[0].originalUriBaseIds, { [SRCROOT]: { uri: `file://${SAMPLE_CWD}/` } });

  const icc = log.runs[0].results.find((r) => r.ruleId === 'daemon-icc');
  assert.deepEqual(icc?.locations[0]?.physicalLocation, { artifactLocation: { uri: 'file:///etc/docker/daemon.json' }, region: { startLine: 3, startColumn: 5 } });
  // The daemon.json key is also named, for readers that show logical locations.
  assert.equal(icc?.locations[0]?.logicalLocations[0]?.fullyQualifiedName, 'daemon/dockerd 28.0.1/icc');
});

test('paths are percent-encoded, never escape the base, and stay relative without a working directory', () => {
  assert.deepEqual(artifactLocation('deploy/my app/compose#1.yaml', '/srv/app'), { uri: 'deploy/my%20app/compose%231.yaml', uriBaseId: SRCROOT });
  assert.deepEqual(artifactLocation('/srv/app/../other/compose.yaml', '/srv/app'), { uri: 'file:///srv/other/compose.yaml' });
  assert.deepEqual(artifactLocation('/srv/application/compose.yaml', '/srv/app'), { uri: 'file:///srv/application/compose.yaml' });
  assert.deepEqual(artifactLocation('compose.yaml', undefined), { uri: 'compose.yaml' });
  assert.deepEqual(artifactLocation('/etc/docker/daemon.json', undefined), { uri: 'file:///etc/docker/daemon.json' });
});

test('a finding read from inspect output has a logical location naming the container and the path', () => {
  const result = resultFor(sarifOf(), 'container-privileged', 'web');
  assert.equal(result.locations[0]?.physicalLocation, undefined);
  assert.deepEqual(result.locations[0]?.logicalLocations, [{ name: 'container/web', fullyQualifiedName: 'container/web/HostConfig.Privileged', kind: 'resource' }]);
  assert.equal(result.properties.inspectPath, 'HostConfig.Privileged');
  assert.equal(result.message.text, PRIVILEGED_WEB.message);
});

test('a suppressed finding carries an external suppression with its justification; others carry none', () => {
  const log = sarifOf();
  assert.deepEqual(resultFor(log, 'container-docker-socket', 'web').suppressions, [
    { kind: 'external', status: 'accepted', justification: 'Traefik needs the socket to discover routes', properties: { expires: '2099-12-31' } },
  ]);
  assert.equal(log.runs[0].results.filter((r) => r.suppressions).length, 1);
});

test('fingerprints are stable across runs and checkouts, and distinct per subject and place', () => {
  const fp = (log: SarifLog, rule: string, name: string): string | undefined => resultFor(log, rule, name).partialFingerprints[FINGERPRINT_KEY];
  const a = sarifOf();
  const again = sarifOf();
  assert.match(fp(a, 'container-privileged', 'web') ?? '', /^[0-9a-f]{64}$/);
  assert.equal(fp(a, 'container-privileged', 'web'), fp(again, 'container-privileged', 'web'));
  assert.notEqual(fp(a, 'container-privileged', 'web'), fp(a, 'container-privileged', 'db'));

  // Same repository checked out elsewhere: same relative file, same fingerprint.
  const moved = richReport();
  moved.findings = moved.findings.map((f) => (f.location?.file?.startsWith(SAMPLE_CWD) ? { ...f, location: { ...f.location, file: f.location.file.replace(SAMPLE_CWD, '/home/runner/work/app') } } : f));
  assert.equal(fp(sarifOf(moved, '/home/runner/work/app'), 'container-docker-socket', 'web'), fp(a, 'container-docker-socket', 'web'));

  // A recreated container (new id, same name) is the same alert.
  const recreated = richReport();
  recreated.findings = recreated.findings.map((f) => (f.subject.id === WEB.id ? { ...f, subject: { ...WEB, id: 'f'.repeat(64) } } : f));
  assert.equal(fp(sarifOf(recreated), 'container-privileged', 'web'), fp(a, 'container-privileged', 'web'));

  // Two findings of one rule at one place stay two alerts.
  const twice: Finding[] = [...sampleFindings(), { ...PRIVILEGED_WEB, message: 'again' }];
  const all = sarifOf(sampleReport({ findings: twice })).runs[0].results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
  assert.equal(new Set(all).size, all.length);
});

test('a check that could not run marks the invocation unsuccessful, with its reason', () => {
  const inv = sarifOf().runs[0].invocations[0];
  assert.equal(inv?.executionSuccessful, false);
  assert.deepEqual(
    inv?.toolExecutionNotifications?.map((n) => [n.associatedRule?.id, n.message.text]),
    [['daemon-log-level', 'rule daemon-log-level failed: cannot read /proc/1234/cmdline']],
  );
  const clean = richReport();
  clean.checks = clean.checks.filter((c) => c.status !== 'error');
  assert.equal(toSarif(clean).runs[0].invocations[0]?.executionSuccessful, true);
});

test('the driver names moat with its version and home page', () => {
  const driver = sarifOf().runs[0].tool.driver;
  assert.deepEqual([driver.name, driver.version, driver.informationUri], ['moat', '0.1.0', 'https://example.org/moat']);
  assert.equal(sarifOf(sampleReport()).runs[0].tool.driver.informationUri, undefined);
});

test('an empty report is still a valid log', () => {
  const log = sarifOf(sampleReport({ findings: [], checks: [] }));
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
  assert.deepEqual(log.runs[0].results, []);
});

test('friendly names are single Pascal-case words', () => {
  assert.equal(friendlyName('daemon-tls'), 'DaemonTls');
  assert.equal(friendlyName('host-audit-docker'), 'HostAuditDocker');
});
