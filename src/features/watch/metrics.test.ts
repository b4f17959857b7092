/** Metrics served on loopback, parsed back with parse-prometheus-text-format (an independent parser of the text format). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { makeAlert } from './alert.ts';
import { isLoopback, parseMetricsAddress, startMetrics } from './metrics.ts';
import type { Sink } from './sinks/sink.ts';

type Family = { name: string; type: string; metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }> };
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

test('PORT alone listens on 127.0.0.1; HOST:PORT is taken as given; nonsense is a usage error', () => {
  assert.deepEqual(parseMetricsAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseMetricsAddress(':9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseMetricsAddress('[::1]:9464'), { host: '::1', port: 9464 });
  assert.deepEqual(parseMetricsAddress('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  assert.throws(() => parseMetricsAddress('x:99999'), /not an address/);
  assert.ok(isLoopback('127.0.0.1') && !isLoopback('0.0.0.0'));
});

test('/metrics in Prometheus text format: events, alerts, latency, connection and sink figures', async () => {
  const sink: Sink = { name: 'webhook http://127.0.0.1:1/x', write: () => undefined, flush: async () => 0, close: async () => undefined, stats: () => ({ queued: 4, delivered: 7, dropped: 2, failures: 5 }) };
  const m = await startMetrics({ host: '127.0.0.1', port: 0 }, [sink]);
  try {
    assert.match(m.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const obs = m.observer;
    obs.event?.({ type: 'container', action: 'start', actorId: 'c', attributes: {}, timeNano: 0n, key: 'k' });
    obs.alert?.(makeAlert({ kind: 'exec', severity: 'high', message: 'x', details: { execId: '1', command: [] } }), 42);
    obs.alert?.(makeAlert({ kind: 'exec', severity: 'high', message: 'y', details: { execId: '2', command: [] } }), 150);
    obs.connection?.(false, 'gone');
    obs.tracked?.(3);
    const res = await fetch(m.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = new Map(parsePrometheus(await res.text()).map((f) => [f.name, f]));
    const value = (name: string, labels: Record<string, string> = {}): number => {
      const f = families.get(name);
      assert.ok(f, `${name} missing`);
      const s = f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
      assert.ok(s, `${name}${JSON.stringify(labels)} missing`);
      return Number(s.value ?? s.count);
    };
    assert.equal(value('moat_watch_events_total', { type: 'container' }), 1);
    assert.equal(value('moat_watch_alerts_total', { kind: 'exec', severity: 'high' }), 2);
    assert.equal(families.get('moat_watch_alert_latency_seconds')?.type, 'HISTOGRAM');
    assert.equal(value('moat_watch_alert_latency_seconds'), 2);
    assert.equal(families.get('moat_watch_alert_latency_seconds')?.metrics[0]?.buckets?.['0.05'], '1');
    assert.equal(value('moat_watch_engine_connected'), 0);
    assert.equal(value('moat_watch_disconnects_total'), 1);
    assert.equal(value('moat_watch_containers_tracked'), 3);
    assert.equal(value('moat_watch_sink_queued', { sink: sink.name }), 4);
    assert.equal(value('moat_watch_sink_delivered_total', { sink: sink.name }), 7);
    assert.equal(value('moat_watch_sink_dropped_total', { sink: sink.name }), 2);
    assert.equal(value('moat_watch_sink_failures_total', { sink: sink.name }), 5);
    assert.ok(value('moat_watch_process_resident_memory_bytes') > 0);
    assert.equal((await fetch(m.url.replace('/metrics', '/other'))).status, 404);
  } finally {
    await m.close();
  }
});
