import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, sanitize, shouldColor } from './table.ts';
import { PRIVILEGED_WEB, sampleFindings, sampleReport, WEB } from './test-support/sample.ts';

const ESC = '\u001b';

test('no escape bytes without colour, even when a container smuggles one in', () => {
  const findings = [...sampleFindings(), { ...PRIVILEGED_WEB, subject: { ...WEB, id: 'e'.repeat(64), name: `evil${ESC}]0;pwned\u0007` }, message: `x${ESC}[2Jcleared` }];
  const text = renderTable(sampleReport({ findings }), { color: false, verbose: true });
  assert.equal(text.includes(ESC), false);
  assert.equal(text.includes('\u0007'), false);
  assert.match(text, /container evil\\x1b\]0;pwned\\x07 \(eeeeeeeeeeee\)/);
  assert.match(text, /x\\x1b\[2Jcleared/);
});

test('colour marks severities and headings when asked for', () => {
  const text = renderTable(sampleReport(), { color: true });
  assert.ok(text.includes(`${ESC}[1;31mCRITICAL`), 'critical is bold red');
  assert.ok(text.includes(`${ESC}[33mMEDIUM`), 'medium is yellow');
  assert.ok(text.includes(`${ESC}[1mSummary${ESC}[0m`), 'headings are bold');
});

test('shouldColor: a TTY, unless NO_COLOR or TERM=dumb; FORCE_COLOR decides when set', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(shouldColor(tty, {}), true);
  assert.equal(shouldColor(pipe, {}), false);
  assert.equal(shouldColor({}, {}), false);
  assert.equal(shouldColor(tty, { NO_COLOR: '1' }), false, 'NO_COLOR wins over a TTY');
  assert.equal(shouldColor(tty, { NO_COLOR: 'false' }), false, 'any non-empty NO_COLOR disables');
  assert.equal(shouldColor(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset (no-color.org)');
  assert.equal(shouldColor(tty, { TERM: 'dumb' }), false);
  assert.equal(shouldColor(tty, { TERM: 'xterm-256color' }), true);
  assert.equal(shouldColor(pipe, { FORCE_COLOR: '1' }), true);
  assert.equal(shouldColor(pipe, { FORCE_COLOR: '3', NO_COLOR: '1' }), true, 'an explicit FORCE_COLOR beats a standing NO_COLOR');
  assert.equal(shouldColor(tty, { FORCE_COLOR: '0' }), false);
  assert.equal(shouldColor(tty, { FORCE_COLOR: 'false' }), false);
  assert.equal(shouldColor(pipe, { FORCE_COLOR: '' }), false, 'an empty FORCE_COLOR is unset');
});

test('findings are grouped host, daemon, then containers by name, one aligned line each', () => {
  const lines = renderTable(sampleReport(), { color: false }).split('\n');
  const headings = lines.filter((l) => /^(host|daemon|container|image) /.test(l));
  assert.deepEqual(headings, ['host web1', 'daemon dockerd 28.0.1', 'container db (0b1c2d3e4f5a)', 'container web (a3f5c9e1b2d4)']);

  const db = lines.indexOf('container db (0b1c2d3e4f5a)');
  assert.equal(lines[db + 1], '  CRITICAL  container-privileged    5.5    runs privileged: every capability, every host device, no confinement  at HostConfig.Privileged');
  assert.equal(lines[db + 2], '  MEDIUM    container-memory-limit  5.11   no memory limit: one container can exhaust the host  at HostConfig.Memory');
  assert.ok(lines.includes('  MEDIUM    daemon-icc              2.2    inter-container communication is enabled on docker0  at /etc/docker/daemon.json:3:5 (icc)'));
});

test('the summary gives checks, score, findings by severity, suppressed and duration', () => {
  const text = renderTable(sampleReport(), { color: false });
  assert.ok(
    text.endsWith(
      [
        'Summary',
        '  Checks:     9 total, 2 pass, 4 fail, 1 info, 1 not applicable, 1 error',
        '  Score:      -2',
        '  Findings:   2 critical, 0 high, 2 medium, 1 low, 1 info',
        '  Suppressed: 1',
        '  Duration:   1.3 s',
        '',
      ].join('\n'),
    ),
    text,
  );
  assert.match(text, /^Moat audit: unix:\/\/\/var\/run\/docker\.sock \(Docker 28\.0\.1, host web1\)\n2025-03-01 14:05:09 UTC {2}\(moat 0\.1\.0\)\n/);
});

test('suppressed findings, passed and not-applicable checks appear only when verbose; errors always', () => {
  const plain = renderTable(sampleReport(), { color: false });
  assert.equal(plain.includes('docker.sock read-write'), false);
  assert.equal(plain.includes('Passed checks'), false);
  assert.equal(plain.includes('rootless engine'), false);
  assert.match(plain, /Checks that could not run\n {2}ERROR {2}daemon-log-level {2}2\.3 {2}Daemon log level {2}\(rule daemon-log-level failed: cannot read \/proc\/1234\/cmdline\)/);

  const verbose = renderTable(sampleReport(), { color: false, verbose: true });
  assert.match(verbose, /Suppressed findings\n {2}CRITICAL {2}container-docker-socket {2}container web \(a3f5c9e1b2d4\): mounts \/var\/run\/docker\.sock read-write {2}\(Traefik needs the socket to discover routes, until 2099-12-31\)/);
  assert.match(verbose, /Passed checks\n {2}PASS {3}daemon-tls {15}2\.7 {3}Remote API without TLS\n/);
  assert.match(verbose, /Not applicable\n {2}N\/A {4}daemon-userns {2}2\.10 {2}User namespace remapping is off {2}\(rootless engine: already unprivileged\)/);
});

test('a report with nothing found says so', () => {
  const text = renderTable(sampleReport({ findings: [], checks: [] }), { color: false });
  assert.match(text, /\nNo findings\.\n/);
  assert.match(text, /Checks: {5}0 total/);
});

test('sanitize shows control characters and keeps printable text', () => {
  assert.equal(sanitize('a\tb\nc\u009bd é ✓'), 'a\\tb\\nc\\x9bd é ✓');
});

test('a fleet-sized report renders (no argument-spread limits)', () => {
  const many = Array.from({ length: 200_000 }, (_, i) => ({ ...PRIVILEGED_WEB, subject: { ...WEB, id: `${i}`, name: `c${i}` } }));
  const text = renderTable(sampleReport({ findings: many, checks: [] }), { color: false });
  assert.match(text, /container c199999 \(199999\)\n {2}CRITICAL/);
});
