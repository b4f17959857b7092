import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonRules } from './index.ts';
import { BENCHMARKS, cisIdIn, type Benchmark } from '../../../models/cis-benchmark.ts';
import { isNotApplicable, type Outcome } from '../../../models/rule.ts';
import { daemonSpec, systemFacts } from '../test-support/fixtures.ts';
import { REMOTE_REASON } from './support/options.ts';
import { remoteDaemon } from './test-support/cases.ts';
import { NOT_IN_SWARM } from './support/swarm.ts';

/**
 * The fixture's hardened daemon, on a release line still maintained at the fixture's
 * `now`: its default engine (27.3.1) went out of support on 2025-05-03.
 */
const hardened = () =>
  systemFacts({
    daemon: daemonSpec({ version: { engine: '29.1.0', apiVersion: '1.52' } }),
    network: { source: 'engine', description: 'no containers', networks: [], members: [] },
    // Section 6: everything in use, within the limits moat.yaml sets.
    sprawl: { images: 3, unusedImages: 0, containers: 3, stoppedContainers: 0 },
    sprawlLimits: { maxUnusedImages: 5, maxStoppedContainers: 5 },
  });

test('a hardened daemon raises no daemon issue; manual rules ask for one review each', () => {
  for (const rule of daemonRules) {
    const out: Outcome = rule.check(hardened());
    // Section 7 judges a swarm; the hardened daemon is in none.
    if (rule.meta.cis?.id.startsWith('7.')) {
      assert.ok(isNotApplicable(out) && out.notApplicable === NOT_IN_SWARM, rule.meta.id);
      continue;
    }
    assert.ok(!isNotApplicable(out), `${rule.meta.id}: ${isNotApplicable(out) ? out.notApplicable : ''}`);
    if (rule.meta.manual) {
      assert.ok(out.length <= 1, rule.meta.id);
      for (const i of out) assert.equal(i.severity ?? rule.meta.severity, 'info', rule.meta.id);
    } else assert.deepEqual(out, [], `${rule.meta.id}: ${out.map((i) => i.message).join('; ')}`);
  }
});

test('for a remote daemon, rules that need its configuration step aside and those /info decides still judge', () => {
  const facts = systemFacts({ daemon: remoteDaemon({ version: { engine: '29.1.0' } }), host: undefined });
  const stepAside = daemonRules.filter((r) => {
    const out = r.check(facts);
    return isNotApplicable(out) && out.notApplicable === REMOTE_REASON;
  });
  assert.deepEqual(
    stepAside.map((r) => r.meta.id).sort(),
    ['daemon-base-device-size', 'daemon-cgroup-parent', 'daemon-default-ulimit', 'daemon-icc', 'daemon-iptables', 'daemon-log-level', 'daemon-no-new-privileges', 'daemon-tls', 'daemon-userland-proxy'],
  );
});

test('the daemon rules cover CIS 1.2.2, 2.1-2.18 (v1.6.0, v1.7.0) or 2.1-2.19 (v1.8.0), 5.1, 6.1, 6.2 and 7.2-7.9, once each, with docker-bench ids up to section 5', () => {
  const section2 = (n: number): string[] => Array.from({ length: n }, (_, i) => `2.${i + 1}`);
  const expected: Record<Benchmark, string[]> = { 'cis-1.6.0': section2(18), 'cis-1.7.0': section2(18), 'cis-1.8.0': section2(19) };
  const swarm = ['7.2', '7.3', '7.4', '7.5', '7.6', '7.7', '7.8', '7.9'];
  for (const b of BENCHMARKS) {
    const ids = daemonRules.flatMap((r) => (r.meta.cis ? [cisIdIn(r.meta.cis, b)] : [])).filter((id) => id !== undefined);
    assert.deepEqual([...ids].sort(), ['1.2.2', ...expected[b], '5.1', '6.1', '6.2', ...swarm].sort(), b);
  }
  for (const r of daemonRules) {
    // docker-bench-security numbers in v1.6.0; it has no section 7 (Swarm) checks, and a rule only v1.8.0 has has no docker-bench check.
    const id = r.meta.cis && cisIdIn(r.meta.cis, 'cis-1.6.0');
    if (!id?.startsWith('7.')) assert.equal(r.meta.peers?.dockerBench, id, r.meta.id);
    assert.match(r.meta.remediation, /`/, `${r.meta.id}: remediation names the key or flag`);
  }
});

test('every issue of every rule points somewhere and gives evidence', () => {
  const bad = systemFacts({
    daemon: daemonSpec({
      version: { engine: '20.10.24', experimental: true },
      info: { securityOptions: [], authorizationPlugins: [], insecureRegistries: ['10.0.0.0/8'], liveRestoreEnabled: false, loggingDriver: 'json-file', storageDriver: 'aufs', swarmState: 'active' },
      optionList: [],
    }),
  });
  const raised: string[] = [];
  for (const rule of daemonRules) {
    const out = rule.check(bad);
    if (isNotApplicable(out) || out.length === 0) continue;
    raised.push(rule.meta.id);
    for (const i of out) {
      assert.ok(i.at && (i.at.file || i.at.path), `${rule.meta.id}: no location`);
      assert.ok(i.evidence, `${rule.meta.id}: no evidence`);
    }
  }
  // Options absent count as defaults: only the rules whose default is unsafe speak; live restore steps aside in swarm mode.
  assert.deepEqual(raised.sort(), [
    'daemon-aufs',
    'daemon-authorization-plugin',
    'daemon-default-ulimit',
    'daemon-experimental',
    'daemon-icc',
    'daemon-insecure-registries',
    'daemon-no-new-privileges',
    'daemon-remote-logging',
    'daemon-rootless',
    'daemon-seccomp-profile',
    'daemon-swarm-mode',
    'daemon-userland-proxy',
    'daemon-userns',
    'daemon-version-outdated',
  ]);
});
