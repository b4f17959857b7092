/**
 * `audit()` against the real engine: containers made with one insecure setting each get
 * exactly the container findings that setting causes; the hardened container gets none.
 * The images of those containers get exactly the image findings their build causes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../src/features/audit/audit.ts';
import { allRules, containerRules } from '../src/knowledge/rules/index.ts';
import { isNotApplicable } from '../src/models/rule.ts';
import { containerFromRunArgs } from '../src/doors/run-line/argv.ts';
import type { Report } from '../src/report/model.ts';
import { IMAGES, RISKY_IMAGE_VALUES } from './support/engine.ts';
import { IMAGE_EXPECT, startMatrix, type Matrix } from './support/matrix.ts';

let matrix: Matrix;
let report: Report;

before(async () => {
  matrix = await startMatrix('audit');
  report = await audit({ all: true, containers: [...matrix.names.values()], rules: allRules.filter((r) => r.meta.target === 'container' || r.meta.target === 'image') });
});
after(() => matrix?.cleanup());

const ruleIds = (subject: string | undefined, info: boolean): string[] =>
  [...new Set(report.findings.filter((f) => f.subject.name === subject && (f.severity === 'info') === info).map((f) => f.ruleId))].sort();

test('each container gets exactly the non-info findings its one setting causes', async (t) => {
  for (const c of matrix.cases) {
    await t.test(`${c.name}: ${c.expect.length ? c.expect.join(', ') : 'no container findings'}`, () => {
      const name = matrix.names.get(c.name);
      assert.deepEqual(ruleIds(name, false), [...c.expect].sort());
      for (const id of c.info ?? []) assert.ok(ruleIds(name, true).includes(id), `${c.name}: expected info from ${id}`);
    });
  }
});

test('each image of an audited container gets exactly the image findings its build causes, secrets masked', () => {
  for (const [ref, expect] of Object.entries(IMAGE_EXPECT)) assert.deepEqual(ruleIds(ref, false), [...expect].sort(), ref);
  const json = JSON.stringify(report.findings);
  for (const v of Object.values(RISKY_IMAGE_VALUES)) assert.ok(!json.includes(v), `secret ${v.slice(0, 9)}… printed in full`);
  const secrets = report.findings.filter((f) => f.ruleId === 'image-secrets').map((f) => f.evidence);
  assert.deepEqual(secrets.sort(), ['API_TOKEN=****(20 chars)', 'DB_PASSWORD=****(23 chars)']);
});

test('runtime-only checks read the engine: top shows sshd in an image without ps, execs come from ExecIDs', () => {
  const sshd = report.findings.find((f) => f.ruleId === 'container-sshd');
  assert.match(sshd?.message ?? '', /\/usr\/sbin\/sshd/);
  const exec = report.findings.find((f) => f.ruleId === 'container-exec-privileged' && f.severity !== 'info');
  assert.match(exec?.message ?? '', /runs privileged/);
  assert.equal(report.checks.find((c) => c.ruleId === 'container-sshd')?.status, 'fail');
});

test('every container is audited and every finding points at where it was read', () => {
  assert.equal(report.target.containers, matrix.cases.length);
  for (const f of report.findings) if (f.severity !== 'info') assert.ok(f.location?.path ?? f.location?.file, `${f.ruleId} on ${f.subject.name}: no location`);
});

/**
 * Rules that judge the spec alone must give a `docker run` line the verdict they give the
 * container it creates. The others need what only a live engine knows: host and daemon
 * facts (AppArmor, SELinux, icc, no-new-privileges, cgroup version), the image (USER,
 * HEALTHCHECK), processes or execs.
 */
const NEEDS_MORE_THAN_THE_SPEC = new Set([
  'container-apparmor', 'container-selinux', 'container-no-new-privileges', 'container-default-bridge', 'container-breakout-path',
  'container-root-user', 'container-healthcheck', 'container-image-freshness', 'container-sshd', 'container-exec-privileged', 'container-exec-root',
]);

test('the run-line door gets the same verdicts as the inspect door from every rule that judges the spec alone', async (t) => {
  for (const c of matrix.cases) {
    await t.test(c.name, () => {
      const { spec } = containerFromRunArgs(['docker', 'run', ...c.flags, c.image ?? IMAGES.hardened]);
      const fromRun = containerRules
        .filter((r) => !NEEDS_MORE_THAN_THE_SPEC.has(r.meta.id))
        .filter((r) => {
          const out = r.check({ container: spec });
          return !isNotApplicable(out) && out.some((i) => (i.severity ?? r.meta.severity) !== 'info');
        })
        .map((r) => r.meta.id)
        .sort();
      const fromInspect = ruleIds(matrix.names.get(c.name), false).filter((id) => id.startsWith('container-') && !NEEDS_MORE_THAN_THE_SPEC.has(id));
      assert.deepEqual(fromRun, fromInspect);
    });
  }
});

test('at the run-line door the runtime-only rules are not applicable, and the image-dependent ones say the image is unknown', () => {
  const { spec } = containerFromRunArgs(['docker', 'run', '--entrypoint', '/usr/sbin/sshd', IMAGES.plain]);
  for (const id of ['container-sshd', 'container-exec-privileged', 'container-exec-root']) {
    const r = containerRules.find((x) => x.meta.id === id);
    assert.ok(r && isNotApplicable(r.check({ container: spec })), `${id} must not pass without processes/execs`);
  }
  for (const id of ['container-root-user', 'container-healthcheck']) {
    const out = containerRules.find((x) => x.meta.id === id)?.check({ container: spec });
    assert.ok(out && !isNotApplicable(out) && /image is not known/.test(out[0]?.message ?? ''), `${id}: ${JSON.stringify(out)}`);
  }
});
