/**
 * CIS section 6 on the real engine. The engine is shared with other test files running at
 * the same time, so exact counts cannot be known: the test adds what it can vouch for (three
 * stopped containers, one image no container uses) and asserts only what holds whatever
 * else appears or vanishes meanwhile: the counts include at least what it added, a limit of
 * 0 fails, a limit far above anything this engine holds passes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../src/features/audit/audit.ts';
import { parseConfig } from '../src/doors/config/load.ts';
import { selectConfiguredRules } from '../src/report/apply-config.ts';
import { auditRules } from '../src/knowledge/rules/audit-command-rules.ts';
import type { Report } from '../src/report/model.ts';
import { docker, ensureTestImages, TestContainers } from './support/engine.ts';

const containers = new TestContainers('sprawl');
const unusedImage = `moat-test/sprawl-unused:${process.pid}`;

before(async () => {
  await ensureTestImages();
  for (const n of ['a', 'b', 'c']) await containers.make(`stopped-${n}`, [], { start: false });
  // A commit of a created container is a new image no container was created from.
  await docker('commit', `${containers.prefix}-stopped-a`, unusedImage);
});

after(async () => {
  await containers.cleanup();
  await docker('rmi', unusedImage).catch(() => undefined);
});

async function run(yaml: string): Promise<Report> {
  const config = parseConfig(yaml, '/sprawl-test/moat.yaml', auditRules);
  return audit({ rules: selectConfiguredRules(auditRules, config, { checks: ['6'], skip: [] }), config, env: {} });
}

const count = (r: Report, rule: string): { n: number; of: number } => {
  const f = r.findings.find((x) => x.ruleId === rule);
  const m = /^(\d+) of (\d+) /.exec(f?.evidence ?? '');
  assert.ok(m, `${rule}: ${JSON.stringify(f)}`);
  return { n: Number(m[1]), of: Number(m[2]) };
};

test('--checks 6 runs exactly 6.1 and 6.2; without limits both report their counts for review', async () => {
  const r = await run('version: "1"\n');
  assert.deepEqual(r.checks.map((c) => [c.ruleId, c.cis, c.status]).sort(), [['daemon-container-sprawl', '6.2', 'info'], ['daemon-image-sprawl', '6.1', 'info']]);
  const stopped = count(r, 'daemon-container-sprawl');
  assert.ok(stopped.n >= 3 && stopped.n <= stopped.of, JSON.stringify(stopped));
  const unused = count(r, 'daemon-image-sprawl');
  assert.ok(unused.n >= 1 && unused.n <= unused.of, JSON.stringify(unused));
  // The engine's own list agrees that the containers the test made are counted as not running.
  const states = (await docker('ps', '-a', '--filter', `name=${containers.prefix}-stopped-`, '--format', '{{.State}}')).split('\n');
  assert.deepEqual(states, ['created', 'created', 'created']);
});

test('a limit below what the test added fails; a limit above anything this engine holds passes', async () => {
  const failing = await run('sprawl:\n  maxUnusedImages: 0\n  maxStoppedContainers: 2\n');
  for (const id of ['daemon-image-sprawl', 'daemon-container-sprawl']) {
    const c = failing.checks.find((x) => x.ruleId === id);
    assert.equal(c?.status, 'fail', id);
  }
  assert.match(failing.findings.find((f) => f.ruleId === 'daemon-container-sprawl')!.message, /more than sprawl\.maxStoppedContainers \(2\)/);
  const passing = await run('sprawl:\n  maxUnusedImages: 999999\n  maxStoppedContainers: 999999\n');
  assert.deepEqual(passing.checks.map((c) => c.status), ['pass', 'pass']);
  assert.equal(passing.findings.length, 0);
});

test('a bad limit in moat.yaml is a located error', () => {
  assert.throws(() => parseConfig('sprawl:\n  maxStoppedContainers: many\n', '/sprawl-test/moat.yaml', auditRules), /moat\.yaml:2:\d+: sprawl\.maxStoppedContainers: sprawl\.maxStoppedContainers must be a whole number/);
});
