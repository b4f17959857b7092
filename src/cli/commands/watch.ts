import type { Writable } from 'node:stream';
import { selectConfiguredRules } from '../../report/apply-config.ts';
import { loadConfig } from '../../doors/config/load.ts';
import { isSeverity, type Severity } from '../../models/finding.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import { MoatError } from '../../util/errors.ts';
import type { Alert } from '../../features/watch/alert.ts';
import { isLoopback, parseMetricsAddress, startMetrics, type MetricsServer } from '../../features/watch/metrics.ts';
import { fileSink, streamSink } from '../../features/watch/sinks/json-lines.ts';
import type { Sink } from '../../features/watch/sinks/sink.ts';
import { syslogSink } from '../../features/watch/sinks/syslog.ts';
import { webhookSink } from '../../features/watch/sinks/webhook.ts';
import { watch, type WatchObserver } from '../../features/watch/watcher.ts';
import { parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';

export const WATCH_HELP = `Usage: moat watch [options]

Follows the engine's events until SIGINT or SIGTERM and raises an alert, as one JSON line
(docs/alert.schema.json), for: a container started with a configuration a rule flags (the
rules and rule ids of moat audit), docker exec into a container (health checks excepted),
drift (new or changed executables, changes under /etc, /bin, /sbin, /usr, /lib), OOM kills,
restart loops, memory or PIDs close to their limits, and events that may have been missed.

Sinks (any number; standard output when none is given):
  -o, --output FILE         append alerts to FILE (created 0600)
      --webhook URL         POST each alert to URL, in order, retried with backoff
      --webhook-queue N     alerts held while the webhook is down (default 1000)
      --syslog ADDR         RFC 5424 to udp://HOST:PORT, tcp://HOST:PORT or unix:///SOCKET (stream)
      --syslog-facility F   syslog facility (default local0)
      --stdout              also write to standard output when another sink is given
Options:
      --metrics ADDR        serve Prometheus metrics at http://ADDR/metrics; PORT alone
                            listens on 127.0.0.1
      --min-severity SEV    raise only alerts at or above SEV (default low)
      --scan-existing       also judge the containers already running at start
      --checks LIST         rules judged at container start (as moat audit --checks)
      --skip LIST           rules not judged (same syntax)
      --stats-interval S    seconds between resource checks (default 10)
      --drift-interval S    seconds between drift checks (default 30)
      --flush-timeout MS    on exit, wait this long for sinks to deliver (default 5000)
      --config FILE         moat.yaml to use (its watch: section, ignores, severity overrides)
  -H, --host URL            engine to watch (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --timeout MS          per-request engine timeout (default 15000)
  -h, --help                show this help

Exit codes: 0 stopped by a signal, 2 usage or configuration error, 3 the engine could not be
watched (unreachable at start, permission denied) or a sink kept alerts it could not deliver.`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  webhook: { type: 'string' },
  'webhook-queue': { type: 'string' },
  syslog: { type: 'string' },
  'syslog-facility': { type: 'string' },
  stdout: { type: 'boolean' },
  metrics: { type: 'string' },
  'min-severity': { type: 'string' },
  'scan-existing': { type: 'boolean' },
  checks: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  'stats-interval': { type: 'string' },
  'drift-interval': { type: 'string' },
  'flush-timeout': { type: 'string' },
  config: { type: 'string' },
  host: { type: 'string', short: 'H' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function watchCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs('watch', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(WATCH_HELP + '\n');
    return EXIT.ok;
  }
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules });
  const wc = config.watch;
  const rules = selectConfiguredRules(allRules, config, { checks: splitList(values.checks), skip: splitList(values.skip) });
  const minSeverity = parseSeverity(values['min-severity']);
  const seconds = (flag: string, v: string | undefined): number | undefined => (v === undefined ? undefined : positiveInt(flag, v, 3600) * 1000);
  const statsIntervalMs = seconds('--stats-interval', values['stats-interval']);
  const driftIntervalMs = seconds('--drift-interval', values['drift-interval']);
  const flushMs = values['flush-timeout'] === undefined ? 5000 : positiveInt('--flush-timeout', values['flush-timeout'], 600_000);
  const timeoutMs = values.timeout === undefined ? undefined : positiveInt('--timeout', values.timeout, 600_000);
  const say = (m: string): void => void io.stderr.write(`moat: ${m}\n`);

  // Every sink is set up (and its address checked) before the watch starts.
  const sinks: Sink[] = [];
  const outputPath = values.output ?? wc?.file;
  const webhookUrl = values.webhook ?? wc?.webhook?.url;
  const syslogAddr = values.syslog ?? wc?.syslog?.address;
  const queue = values['webhook-queue'] === undefined ? wc?.webhook?.queue : positiveInt('--webhook-queue', values['webhook-queue'], 1_000_000);
  if (webhookUrl) sinks.push(webhookSink({ url: webhookUrl, queue, onFailure: (m) => say(`warning: ${m}`) }));
  if (syslogAddr) sinks.push(syslogSink({ address: syslogAddr, facility: values['syslog-facility'] ?? wc?.syslog?.facility, onFailure: (m) => say(`warning: ${m}`) }));
  if (outputPath) sinks.push(await fileSink(outputPath));
  if (sinks.length === 0 || values.stdout) sinks.push(streamSink('stdout', io.stdout as unknown as Writable));

  let metrics: MetricsServer | undefined;
  const metricsAddr = values.metrics ?? wc?.metrics;
  try {
    if (metricsAddr) {
      const addr = parseMetricsAddress(metricsAddr);
      if (!isLoopback(addr.host)) say(`warning: metrics are served on ${addr.host}, beyond this machine: they name containers and alert counts`);
      metrics = await startMetrics(addr, sinks);
      say(`metrics at ${metrics.url}`);
    }
    const observer: WatchObserver = {
      ...metrics?.observer,
      notice: (m) => say(m),
      connection: (up, detail) => {
        metrics?.observer.connection?.(up, detail);
        say(detail);
      },
    };
    const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');
    const endpoint = resolveEndpoint(io.env, values.host);
    const w = await watch({ engine: { endpoint, timeoutMs }, rules, config, minSeverity, scanExisting: values['scan-existing'] === true, statsIntervalMs, driftIntervalMs, observer });
    const onSignal = (): void => void w.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    say(`watching ${endpoint.display} (alerts to ${sinks.map((s) => s.name).join(', ')}); stop with Ctrl-C`);
    let failure: unknown;
    try {
      for await (const alert of w) dispatch(sinks, alert);
    } catch (e) {
      failure = e;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    const undelivered = await flushAll(sinks, flushMs, say);
    if (failure !== undefined) throw failure;
    return undelivered > 0 ? EXIT.incomplete : EXIT.ok;
  } finally {
    await Promise.all(sinks.map((s) => s.close()));
    await metrics?.close();
  }
}

function dispatch(sinks: readonly Sink[], alert: Alert): void {
  for (const s of sinks) s.write(alert);
}

/** Gives every sink the same deadline to deliver what it holds, and says what could not be. */
async function flushAll(sinks: readonly Sink[], timeoutMs: number, say: (m: string) => void): Promise<number> {
  const left = await Promise.all(sinks.map((s) => s.flush(timeoutMs)));
  let total = 0;
  for (const [i, n] of left.entries()) {
    if (n === 0) continue;
    total += n;
    say(`${sinks[i]?.name}: ${n} alert${n > 1 ? 's' : ''} not delivered within ${timeoutMs} ms of stopping (raise --flush-timeout, or check the destination)`);
  }
  return total;
}

function parseSeverity(v: string | undefined): Severity | undefined {
  if (v === undefined) return undefined;
  if (isSeverity(v)) return v;
  throw new MoatError('usage', `unknown --min-severity "${v}": use critical, high, medium, low or info`);
}

function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0 || n > max) throw new MoatError('usage', `${flag} takes a whole number from 1 to ${max}, not "${value}"`);
  return n;
}
