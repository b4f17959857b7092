/**
 * Shared cases for the file and audit rules, so each rule's test file states only
 * what is particular to it (its path, its limit, the daemon options that name it).
 * Every case asserts an outcome that a wrong rule would not produce.
 */
import { REMOTE } from '../support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSpec } from '../../../../models/daemon-spec.ts';
import type { FileFact, HostSpec } from '../../../../models/host-spec.ts';
import { isNotApplicable, type HostRule, type Issue, type Outcome, type SystemFacts } from '../../../../models/rule.ts';
import { daemonSpec, fileFact, hostSpec, systemFacts } from '../../test-support/fixtures.ts';

export function factsWith(files: FileFact[], opts: { host?: Partial<HostSpec>; daemon?: DaemonSpec } = {}): SystemFacts {
  return systemFacts({ daemon: opts.daemon ?? daemonSpec(), host: hostSpec({ files: new Map(files.map((f) => [f.path, f])), ...opts.host }) });
}

export function issuesOf(out: Outcome): readonly Issue[] {
  assert.ok(!isNotApplicable(out), `expected issues or a pass, got not applicable: ${isNotApplicable(out) ? out.notApplicable : ''}`);
  return out as readonly Issue[];
}

export function reasonOf(out: Outcome): string {
  assert.ok(isNotApplicable(out), `expected not applicable, got ${JSON.stringify(out)}`);
  return out.notApplicable;
}

interface CaseOptions {
  daemon?: DaemonSpec;
  type?: FileFact['type'];
  /** A mode within the limit for this kind of file. */
  mode?: number;
}

/** Cases every ownership rule must get right, for the file it judges at `path`. */
export function ownerCases(rule: HostRule, path: string, opts: CaseOptions = {}): void {
  const base = { type: opts.type ?? 'file', mode: opts.mode ?? 0o644 } as const;
  const run = (f: Partial<FileFact>): Outcome => rule.check(factsWith([fileFact(path, { ...base, ...f })], { daemon: opts.daemon }));

  test(`${rule.meta.id}: fails a file owned by another user, naming it with its owner`, () => {
    const out = issuesOf(run({ uid: 1000, user: 'alice' }));
    assert.equal(out.length, 1);
    assert.match(out[0]!.message, new RegExp(`${escape(path)} is owned by alice:root`));
    assert.deepEqual(out[0]!.at, { file: path });
    assert.match(out[0]!.evidence ?? '', /owner alice:root/);
  });

  test(`${rule.meta.id}: fails a file whose group is an ordinary group`, () => {
    const out = issuesOf(run({ gid: 50, group: 'staff' }));
    assert.equal(out.length, 1);
    assert.match(out[0]!.message, /root:staff/);
  });

  test(`${rule.meta.id}: passes root:root`, () => {
    assert.deepEqual(run({}), []);
  });

  absentAndRemoteCases(rule, path, opts);
}

/** Cases every mode rule must get right: bits are compared, not decimal numbers. */
export function modeCases(rule: HostRule, path: string, max: number, opts: CaseOptions = {}): void {
  const type = opts.type ?? 'file';
  const run = (mode: number): Outcome => rule.check(factsWith([fileFact(path, { type, mode })], { daemon: opts.daemon }));

  test(`${rule.meta.id}: fails a mode with a bit beyond ${max.toString(8)}, naming the mode in octal`, () => {
    const bad = max | 0o002;
    const out = issuesOf(run(bad));
    assert.equal(out.length, 1);
    assert.match(out[0]!.message, new RegExp(`${escape(path)} has mode 0${bad.toString(8)}`));
    assert.match(out[0]!.message, /others write/);
    assert.deepEqual(out[0]!.at, { file: path });
    assert.equal(out[0]!.evidence, `mode 0${bad.toString(8)} owner root:root`);
  });

  test(`${rule.meta.id}: passes exactly ${max.toString(8)} and anything stricter`, () => {
    assert.deepEqual(run(max), []);
    assert.deepEqual(run(max & 0o700), []);
  });

  test(`${rule.meta.id}: a smaller decimal number is not a stricter mode`, () => {
    // e.g. 0o607 reads as 607 <= 644 to docker-bench's numeric test, yet others can write and execute it.
    const bad = (max & 0o700) | 0o007;
    assert.equal(issuesOf(run(bad)).length, 1);
    assert.equal(issuesOf(run(max | 0o1000)).length, 1);
  });

  absentAndRemoteCases(rule, path, opts);
}

function absentAndRemoteCases(rule: HostRule, path: string, opts: CaseOptions): void {
  test(`${rule.meta.id}: does not apply when the file does not exist`, () => {
    const reason = reasonOf(rule.check(factsWith([{ path, exists: false }], { daemon: opts.daemon })));
    assert.match(reason, /does not exist|no .* unit file/);
  });

  test(`${rule.meta.id}: does not apply when the daemon is remote`, () => {
    assert.equal(reasonOf(rule.check(systemFacts({ daemon: opts.daemon ?? daemonSpec(), host: undefined }))), REMOTE);
  });

  test(`${rule.meta.id}: a file that could not be read is an error, not a pass`, () => {
    const facts = factsWith([{ path, exists: false, error: `cannot read ${path}: EACCES` }], { daemon: opts.daemon });
    assert.throws(() => rule.check(facts), /EACCES/);
  });
}

/** Cases every audit-watch rule must get right, for the file it wants watched at `path`. */
export function auditCases(rule: HostRule, path: string, opts: { daemon?: DaemonSpec; type?: FileFact['type'] } = {}): void {
  const fact = fileFact(path, { type: opts.type ?? 'file' });
  const run = (audit: Partial<HostSpec['audit']>): Outcome =>
    rule.check(factsWith([fact], { daemon: opts.daemon, host: { audit: { sources: ['/etc/audit/rules.d/docker.rules'], watchedPaths: new Set(), available: true, ...audit } } }));

  test(`${rule.meta.id}: fails when no rule watches ${path}, giving the rule to add`, () => {
    const out = issuesOf(run({ watchedPaths: new Set(['/etc/passwd']) }));
    assert.equal(out.length, 1);
    assert.match(out[0]!.message, new RegExp(`-w ${escape(path)} -k docker`));
    assert.deepEqual(out[0]!.at, { file: path });
  });

  test(`${rule.meta.id}: passes when ${path} is watched`, () => {
    assert.deepEqual(run({ watchedPaths: new Set([path]) }), []);
  });

  test(`${rule.meta.id}: fails saying auditd is not installed when there is no audit subsystem`, () => {
    const out = issuesOf(run({ available: false, sources: [] }));
    assert.equal(out.length, 1);
    assert.match(out[0]!.message, /auditd is not installed/);
  });

  test(`${rule.meta.id}: does not apply when ${path} does not exist`, () => {
    const facts = factsWith([{ path, exists: false }], { daemon: opts.daemon });
    assert.ok(isNotApplicable(rule.check(facts)));
  });

  test(`${rule.meta.id}: does not apply when the daemon is remote`, () => {
    assert.equal(reasonOf(rule.check(systemFacts({ daemon: opts.daemon ?? daemonSpec(), host: undefined }))), REMOTE);
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
