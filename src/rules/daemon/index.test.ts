import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonRules } from './index.ts';
import { isNotApplicable, type Outcome } from '../rule.ts';
import { daemonSpec, systemFacts } from '../test-support/fixtures.ts';
import { REMOTE_REASON } from './support/options.ts';
import { remoteDaemon } from './support/cases.ts';
import { NOT_IN_SWARM } from './support/swarm.ts';

/**
 * The fixture's hardened daemon, on a release line still maintained at the fixture's
 * `now`: its default engine (27.3.1) went out of support on 2025-05-03.
 */
const hardened = () => systemFacts({ daemon: daemonSpec({ version: { engine: '29.1.0', apiVersion: '1.52' } }), network: { source: 'engine', description: 'no containers', networks: [], members: [] } });

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

test('the daemon rules cover CIS 1.2.2, 2.1-2.18, 5.1 and 7.2-7.9, once each, with docker-bench ids up to section 5', () => {
  // The network rules (daemon-default-bridge-shared) judge the network picture, not a CIS recommendation.
  const ids = daemonRules.filter((r) => r.meta.id !== 'daemon-default-bridge-shared').map((r) => r.meta.cis?.id ?? '');
  assert.deepEqual([...ids].sort(), ['1.2.2', ...Array.from({ length: 18 }, (_, i) => `2.${i + 1}`), '5.1', '7.2', '7.3', '7.4', '7.5', '7.6', '7.7', '7.8', '7.9'].sort());
  for (const r of daemonRules.filter((x) => x.meta.cis)) {
    // docker-bench-security for v1.6.0 has no section 7 (Swarm) checks to name.
    if (!r.meta.cis?.id.startsWith('7.')) assert.equal(r.meta.peers?.dockerBench, r.meta.cis?.id, r.meta.id);
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
