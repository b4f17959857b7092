/**
 * The event stream across a severed and restored engine connection: what happened while
 * it was down is replayed, nothing is lost and nothing repeated; and when the engine's
 * replay buffer no longer reaches back to the last event seen, the watch says events may
 * have been missed instead of pretending continuity.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../src/doors/engine/client.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import type { Rule } from '../src/models/rule.ts';
import type { ExecDetails } from '../src/features/watch/alert.ts';
import { ENGINE_EVENT_BUFFER } from '../src/features/watch/follow.ts';
import { watch } from '../src/features/watch/watcher.ts';
import { docker, TestContainers } from './support/engine.ts';
import { startRestorableProxy } from './support/restorable-proxy.ts';
import { Collected } from './support/watch-collector.ts';
import { ensureWatchImage, WATCH_IMAGE } from './support/watch-image.ts';

const containers = new TestContainers('watchrc');
after(() => containers.cleanup());

async function throughProxy(rules: readonly Rule[] = []) {
  const proxy = await startRestorableProxy();
  const client = await EngineClient.connect({ endpoint: { kind: 'unix', socketPath: proxy.socketPath, display: `unix://${proxy.socketPath}` } });
  const notices: string[] = [];
  const w = await watch({ client, rules, driftIntervalMs: 3_600_000, statsIntervalMs: 3_600_000, backoffMs: 50, maxBackoffMs: 200, observer: { connection: (up, d) => notices.push(`${up ? 'up' : 'down'}: ${d}`), notice: (m) => notices.push(m) } });
  return { proxy, client, w, got: new Collected(w), notices };
}

test('severed and restored: the execs made while the connection was down each give one alert, in order', async () => {
  await ensureWatchImage();
  const { proxy, client, w, got, notices } = await throughProxy();
  try {
    const c = await containers.make('cut', ['--network', 'none'], { image: WATCH_IMAGE });
    await docker('exec', c, '/tool', 'exit', '0', 'before');
    await got.waitFor('the exec before the cut', (a) => a.kind === 'exec' && a.container?.name === c);
    await proxy.sever();
    for (let i = 0; i < 5; i++) await docker('exec', c, '/tool', 'exit', '0', `during-${i}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got.of(c).length, 1, 'nothing arrives while the connection is down');
    await proxy.restore();
    await docker('exec', c, '/tool', 'exit', '0', 'after');
    await got.waitFor('the exec after the restore', (a) => a.kind === 'exec' && a.container?.name === c && (a.details as ExecDetails).command.includes('after'));
    await new Promise((r) => setTimeout(r, 300));
    const seen = got.of(c).filter((a) => a.kind === 'exec').map((a) => (a.details as ExecDetails).command[3]);
    assert.deepEqual(seen, ['before', 'during-0', 'during-1', 'during-2', 'during-3', 'during-4', 'after']);
    assert.ok(notices.some((n) => n.startsWith('down:')) && notices.some((n) => n.startsWith('up: reconnected')), notices.join('\n'));
    assert.equal(got.alerts.filter((a) => a.kind === 'events-missed').length, 0, 'the replay reached back to the last event: no gap');
    assert.ok(proxy.seen.some((l) => /GET \/v[\d.]+\/events\?since=\d+/.test(l)), 'reconnected with since');
  } finally {
    await w.stop();
    client.close();
    await proxy.close();
  }
});

test('more events during the outage than the engine keeps: an events-missed alert, and the containers started in the gap judged', async () => {
  await ensureWatchImage();
  // Running before the watch began (and not judged then): the gap gives no reason to judge it now.
  const before = await containers.make('before', ['--network', 'none', '--pid', 'host'], { image: WATCH_IMAGE });
  const { proxy, client, w, got } = await throughProxy(allRules);
  try {
    const c = await containers.make('flood', ['--network', 'none'], { image: WATCH_IMAGE });
    await docker('exec', c, '/tool', 'exit', '0');
    await got.waitFor('the exec before the cut', (a) => a.kind === 'exec' && a.container?.name === c);
    await proxy.sever();
    // Started in the outage; its start event is pushed out of the engine's buffer by what follows.
    const unseen = await containers.make('unseen', ['--network', 'none', '--pid', 'host'], { image: WATCH_IMAGE });
    // Each signal sent is one container event (`kill`; the workload ignores SIGWINCH): enough to push the last seen one out of the buffer.
    const direct = await EngineClient.connect();
    try {
      for (let i = 0; i < ENGINE_EVENT_BUFFER + 20; i++) {
        const r = await direct.request('POST', `/containers/${c}/kill?signal=SIGWINCH`);
        assert.equal(r.status, 204, r.body.toString());
      }
    } finally {
      direct.close();
    }
    await proxy.restore();
    const gap = await got.waitFor('events-missed', (a) => a.kind === 'events-missed');
    assert.equal(gap.severity, 'high');
    assert.match(gap.message, /may have been missed/);
    assert.match((gap.details as { reason: string }).reason, /more than 256 events/);
    assert.ok((gap.details as { lastSeen?: string }).lastSeen);
    await got.waitFor('the container started in the gap, judged after it', (a) => a.container?.name === unseen && a.finding?.ruleId === 'container-host-pid');
    assert.deepEqual(got.of(before), [], 'a container started before the last event seen is not judged again');
  } finally {
    await w.stop();
    client.close();
    await proxy.close();
  }
});
