import type { Server } from 'node:http';
import { http } from '../../util/node-http.ts';
import type { AddressInfo } from 'node:net';
import { MoatError } from '../../util/errors.ts';
import type { Sink } from './sinks/sink.ts';
import type { WatchObserver } from './watcher.ts';

export interface MetricsAddress {
  host: string;
  port: number;
}

/**
 * `--metrics ADDR`: `PORT`, `:PORT` or `HOST:PORT`. Without a host it listens on loopback
 * only: the metrics name containers and alert counts, which is not for the whole network.
 */
export function parseMetricsAddress(raw: string): MetricsAddress {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new MoatError('usage', `--metrics "${raw}" is not an address: use PORT (on 127.0.0.1), or HOST:PORT`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port };
}

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

export interface MetricsServer {
  observer: WatchObserver;
  /** Where it listens, e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Prometheus metrics for a running watch, served at /metrics (text format 0.0.4), with
 * prom-client, imported only when metrics are asked for.
 */
export async function startMetrics(addr: MetricsAddress, sinks: readonly Sink[]): Promise<MetricsServer> {
  const prom = await import('prom-client');
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry, prefix: 'moat_watch_' });
  const events = new prom.Counter({ name: 'moat_watch_events_total', help: 'Engine events received, by type.', labelNames: ['type'], registers: [registry] });
  const alerts = new prom.Counter({ name: 'moat_watch_alerts_total', help: 'Alerts raised, by kind and severity.', labelNames: ['kind', 'severity'], registers: [registry] });
  const latency = new prom.Histogram({
    name: 'moat_watch_alert_latency_seconds',
    help: 'From the engine event to the alert it caused.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
    registers: [registry],
  });
  const connected = new prom.Gauge({ name: 'moat_watch_engine_connected', help: '1 while the event stream from the engine is open.', registers: [registry] });
  const disconnects = new prom.Counter({ name: 'moat_watch_disconnects_total', help: 'Times the event stream from the engine broke.', registers: [registry] });
  const tracked = new prom.Gauge({ name: 'moat_watch_containers_tracked', help: 'Containers the watch knows of.', registers: [registry] });
  const sinkGauge = (name: string, help: string, pick: (s: ReturnType<Sink['stats']>) => number, type: 'gauge' | 'counter'): void => {
    const Metric = type === 'gauge' ? prom.Gauge : prom.Counter;
    new Metric({
      name,
      help,
      labelNames: ['sink'],
      registers: [registry],
      collect(this: { set?: (l: object, v: number) => void; reset(): void; inc?: (l: object, v: number) => void }) {
        // Read at scrape time from the sinks themselves: one source of truth.
        this.reset();
        for (const s of sinks) {
          const v = pick(s.stats());
          if (this.set) this.set({ sink: s.name }, v);
          else if (v > 0) this.inc?.({ sink: s.name }, v);
        }
      },
    });
  };
  sinkGauge('moat_watch_sink_queued', 'Alerts waiting to be delivered, by sink.', (s) => s.queued, 'gauge');
  sinkGauge('moat_watch_sink_delivered_total', 'Alerts delivered, by sink.', (s) => s.delivered, 'counter');
  sinkGauge('moat_watch_sink_dropped_total', 'Alerts dropped because a sink queue was full, by sink.', (s) => s.dropped, 'counter');
  sinkGauge('moat_watch_sink_failures_total', 'Failed delivery attempts, by sink.', (s) => s.failures, 'counter');
  connected.set(1);

  const server: Server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('moat watch serves /metrics only\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new MoatError('usage', `cannot serve metrics on ${addr.host}:${addr.port}: ${e.code ?? e.message}`)));
    server.listen(addr.port, addr.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const hostShown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${hostShown}:${bound.port}/metrics`,
    observer: {
      event: (e) => events.inc({ type: e.type }),
      alert: (a, ms) => {
        alerts.inc({ kind: a.kind, severity: a.severity });
        if (ms !== undefined) latency.observe(Math.max(0, ms) / 1000);
      },
      connection: (up) => {
        connected.set(up ? 1 : 0);
        if (!up) disconnects.inc();
      },
      tracked: (n) => tracked.set(n),
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
