/**
 * /metrics for Prometheus. Labels are bounded: route templates (not paths), status
 * classes, severities and host names; never CVE ids or digests.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SEVERITIES } from '../models/finding.ts';
import type { Store } from './store.ts';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'moat_http_requests_total', help: 'HTTP requests by route template, method and status class', labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
  readonly ingest = new Histogram({ name: 'moat_report_ingest_seconds', help: 'Time to store one agent report', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });
  readonly reports = new Counter({ name: 'moat_reports_total', help: 'Agent reports received, by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });

  constructor(db: Pick<Store, 'query' | 'memoryBytes'>) {
    const registry = this.registry;
    // First, so a scrape reads it before its own queries run. The embedded store's memory never shrinks: this is its high-water mark.
    if (db.memoryBytes() !== undefined) {
      new Gauge({
        name: 'moat_store_wasm_memory_bytes',
        help: 'The embedded store\'s WebAssembly memory (PostgreSQL in PGlite); it grows and is never given back',
        registers: [registry],
        collect() {
          this.set(db.memoryBytes() ?? 0);
        },
      });
    }
    new Gauge({
      name: 'moat_findings_open',
      help: 'Open audit findings by host and severity (suppressed ones excluded)',
      labelNames: ['host', 'severity'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.query<{ host: string; severity: string; n: number }>(
          `SELECT host, severity, count(*)::int AS n FROM findings WHERE closed_at IS NULL AND NOT (finding ? 'suppressed') GROUP BY host, severity`,
        );
        for (const r of rows) this.set({ host: r.host, severity: r.severity }, r.n);
      },
    });
    new Gauge({
      name: 'moat_vulnerabilities',
      help: 'Vulnerabilities of the images hosts run, by host and severity (one per image and vulnerability)',
      labelNames: ['host', 'severity'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.query<{ host: string; severity: string; n: number }>(
          `SELECT host, severity, count(DISTINCT (digest, vuln_id))::int AS n FROM host_vulns GROUP BY host, severity`,
        );
        for (const r of rows) this.set({ host: r.host, severity: r.severity }, r.n);
      },
    });
    new Gauge({
      name: 'moat_hosts',
      help: 'Hosts that have reported',
      registers: [registry],
      async collect() {
        const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM hosts');
        this.set(rows[0]?.n ?? 0);
      },
    });
    new Gauge({
      name: 'moat_host_last_seen_seconds',
      help: 'Unix time of each host\'s last report',
      labelNames: ['host'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.query<{ name: string; t: number }>('SELECT name, extract(epoch FROM last_seen)::float8 AS t FROM hosts');
        for (const r of rows) this.set({ host: r.name }, Number(r.t));
      },
    });
    new Gauge({
      name: 'moat_alerts_total',
      help: 'Alerts stored, by severity',
      labelNames: ['severity'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const s of SEVERITIES) this.set({ severity: s }, 0);
        const rows = await db.query<{ severity: string; n: number }>('SELECT severity, count(*)::int AS n FROM alerts GROUP BY severity');
        for (const r of rows) this.set({ severity: r.severity }, r.n);
      },
    });
  }
}
