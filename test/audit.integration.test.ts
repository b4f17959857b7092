/**
 * `audit()` against the real engine: containers made with one insecure setting each get
 * exactly the container findings that setting causes; the hardened container gets none.
 * The images of those containers get exactly the image findings their build causes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../src/audit/audit.ts';
import { allRules } from '../src/rules/index.ts';
import type { Report } from '../src/report/model.ts';
import { RISKY_IMAGE_VALUES } from './support/engine.ts';
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
  assert.deepEqual(secrets.sort(), ['API_TOKEN=moat…(20 characters)', 'DB_PASSWORD=moat…(23 characters)']);
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
