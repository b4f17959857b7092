import { readFileSync } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { selectConfiguredRules } from '../../report/apply-config.ts';
import { findConfigFile, loadConfig } from '../../doors/config/load.ts';
import { MoatError } from '../../util/errors.ts';
import { parseBytes } from '../../doors/common/values.ts';
import { checkToken, ServerClient } from '../../features/agent/server-client.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';

export const AGENT_HELP = `Usage: moat agent --server URL --token T [options]

Pushes this host's security state to a moat server (moat serve): the audit (host,
daemon, containers and the images they run), the inventories of those images the
server does not hold yet (it is asked first), and watch alerts as they happen.
Every document is written to a buffer on disk before it is sent and removed once the
server took it: a server outage or an agent restart loses nothing.

Options:
      --server URL        the server, http(s)://HOST[:PORT] (the API is under /api/v1)
      --token T           an agent token (moat serve token create --role agent --host NAME);
                          also --token-file FILE or MOAT_AGENT_TOKEN, which ps does not show
      --token-file FILE   read the token from FILE
      --host NAME         the host name to report as (default: this machine's, ${'`hostname`'});
                          an agent token pushes only for the host it was made for
      --once              push one snapshot and exit: 0 when the server stored it, non-zero
                          with the reason when it refused it or could not be reached
      --interval D        time between snapshots: 90s, 30m, 1h (default), 1d
      --no-alerts         do not follow watch alerts between snapshots
      --alert-batch D     send alerts this long after the first of a batch: 1s to 10m (default 5s)
      --buffer DIR        where documents wait for the server (default:
                          $STATE_DIRECTORY/agent under systemd, else $XDG_STATE_HOME/moat/agent,
                          else ~/.local/state/moat/agent)
      --buffer-max N      documents kept at most; the oldest are dropped (default 1000)
      --buffer-bytes N    bytes kept at most, as stored: 512m, 1g (default 256m)
      --ca FILE           PEM of the CA that signed the server's certificate (beside the system's)
      --config FILE       moat.yaml to use (rule selection, ignores, the watch: section)
  -H, --engine URL        engine to read (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --host-root DIR     read host files under DIR (when Moat runs in a container)
      --timeout MS        per-request timeout for the server (default 60000)
  -h, --help              show this help

Exit codes (--once): 0 stored, 2 usage error or the token refused (401, 403),
3 not stored (server unreachable: the report waits in the buffer; refused; engine unreadable).
Without --once the agent runs until SIGINT or SIGTERM and exits 0.`;

const OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  host: { type: 'string' },
  once: { type: 'boolean' },
  interval: { type: 'string' },
  'no-alerts': { type: 'boolean' },
  'alert-batch': { type: 'string' },
  buffer: { type: 'string' },
  'buffer-max': { type: 'string' },
  'buffer-bytes': { type: 'string' },
  ca: { type: 'string' },
  config: { type: 'string' },
  engine: { type: 'string', short: 'H' },
  'host-root': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function agentCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs('agent', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(AGENT_HELP + '\n');
    return EXIT.ok;
  }
  const say = (m: string): void => void io.stderr.write(`moat: ${m}\n`);
  if (values.server === undefined) throw new MoatError('usage', 'agent: no --server: give the moat server\'s address, like --server https://moat.example.com:8470');
  const token = readToken(values, io.env);
  const host = parseHostName(values.host ?? hostname());
  const intervalMs = parseDuration('--interval', values.interval ?? '1h', 10_000, 7 * 86_400_000);
  const alertBatchMs = parseDuration('--alert-batch', values['alert-batch'] ?? '5s', 1000, 600_000);
  const maxCount = values['buffer-max'] === undefined ? undefined : parseCount('--buffer-max', values['buffer-max']);
  const maxBytes = values['buffer-bytes'] === undefined ? undefined : parseBufferBytes('--buffer-bytes', values['buffer-bytes']);
  const timeoutMs = values.timeout === undefined ? undefined : parseCount('--timeout', values.timeout);

  const server = new ServerClient({ url: values.server, token, ...(values.ca ? { caFile: values.ca } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(server.base.hostname);
  if (server.base.protocol === 'http:' && !loopback) say(`warning: ${server.display} is plain http: the token and the reports cross the network unencrypted (serve with --tls-cert and --tls-key, and use https://)`);

  // The audit selects rules as `moat audit` does, the watch as `moat watch` does, from one moat.yaml.
  const hasConfig = values.config !== undefined || findConfigFile(io.cwd) !== undefined;
  const { auditRules } = await import('../../knowledge/rules/audit-command-rules.ts');
  const { allRules } = await import('../../knowledge/rules/index.ts');
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: hasConfig ? allRules : auditRules });
  const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');
  const engine = { endpoint: resolveEndpoint(io.env, values.engine) };

  const { Spool } = await import('../../features/agent/spool.ts');
  const dir = values.buffer ?? defaultBufferDir(io.env);
  const spool = await Spool.open({
    dir,
    ...(maxCount ? { maxCount } : {}),
    ...(maxBytes ? { maxBytes } : {}),
    onDrop: (e, total) =>
      say(`warning: the buffer ${dir} is full: dropped the oldest ${e.kind === 'report' ? 'report' : 'alert batch'} (${e.bytes} bytes); ${total.reports} report(s) and ${total.alertBatches} alert batch(es) dropped since ${total.since} (the next report tells the server)`),
  });
  const { runAgent, runOnce } = await import('../../features/agent/agent.ts');
  const opts = {
    server,
    spool,
    host,
    engine,
    auditRules: selectConfiguredRules(auditRules, config, { checks: [], skip: [] }),
    watchRules: selectConfiguredRules(allRules, config, { checks: [], skip: [] }),
    config,
    env: io.env,
    ...(values['host-root'] ? { hostRoot: values['host-root'] } : {}),
    intervalMs,
    alerts: values['no-alerts'] !== true,
    alertBatchMs,
    log: say,
  };
  try {
    if (values.once) {
      const r = await runOnce(opts);
      say(`${r.stored ? 'stored' : 'already held'} by ${server.display}: report ${r.id.slice(0, 12)} for host ${host} (${r.images} image${r.images === 1 ? '' : 's'}, ${r.inventories} inventor${r.inventories === 1 ? 'y' : 'ies'} sent${r.parts !== undefined ? `, in ${r.parts} parts: over the server's size limit` : ''})`);
      return EXIT.ok;
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    say(`agent for host ${host}: pushing to ${server.display} every ${values.interval ?? '1h'}, buffer ${dir}; stop with Ctrl-C`);
    try {
      await runAgent(opts, controller.signal);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return EXIT.ok;
  } finally {
    server.close();
    await spool.close();
  }
}

/** --token, else --token-file, else MOAT_AGENT_TOKEN: exactly one source, so which one counts is never a guess. */
function readToken(values: { token?: string; 'token-file'?: string }, env: NodeJS.ProcessEnv): string {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new MoatError('usage', 'agent: give the token once (--token), or its file (--token-file), not both');
  if (values.token !== undefined) return checkToken(values.token, 'the token (--token)');
  const file = values['token-file'];
  if (file !== undefined) {
    try {
      return checkToken(readFileSync(file, 'utf8'), `the token in ${file}`);
    } catch (e) {
      throw new MoatError('usage', `--token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give the file holding the agent token)`);
    }
  }
  const fromEnv = env.MOAT_AGENT_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return checkToken(fromEnv, 'the token in MOAT_AGENT_TOKEN');
  throw new MoatError('usage', 'agent: no token given (--token, --token-file or MOAT_AGENT_TOKEN): make one with `moat serve token create --role agent --host NAME`');
}

export function defaultBufferDir(env: NodeJS.ProcessEnv): string {
  // systemd's StateDirectory= sets it (/var/lib/NAME): the unit's own place, kept across reboots.
  const systemd = env.STATE_DIRECTORY?.split(':')[0];
  if (systemd && isAbsolute(systemd)) return join(systemd, 'agent');
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'state'), 'moat', 'agent');
}

/** A DNS-like host name (the server keys hosts by it and shows it in URLs). */
export function parseHostName(raw: string): string {
  const h = raw.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(h)) throw new MoatError('usage', `--host "${h.slice(0, 80)}" is not a host name: letters, digits, '.', '_' and '-', starting with a letter or digit`);
  return h;
}

/** 90s, 30m, 1h, 1d, within [min, max] ms (a snapshot audits every container: not every second). */
export function parseDuration(flag: string, raw: string, min: number, max: number): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(raw.trim());
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : NaN;
  if (!Number.isFinite(ms) || ms < min || ms > max) throw new MoatError('usage', `${flag} "${raw}" is not a duration from ${human(min)} to ${human(max)}: give a number and s, m, h or d, like 30m or 1h`);
  return ms;
}

function human(ms: number): string {
  for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (ms % n === 0) return `${ms / n}${u}`;
  return `${ms / 1000}s`;
}

function parseCount(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) throw new MoatError('usage', `${flag} takes a positive whole number, not "${raw}"`);
  return Number(raw);
}

/** A size as docker reads one (`512m`, `1g`, `1048576`; binary multiples), at least 1 KiB. */
function parseBufferBytes(flag: string, raw: string): number {
  let n: number;
  try {
    n = parseBytes(raw);
  } catch (e) {
    throw new MoatError('usage', `${flag}: ${(e as Error).message}`);
  }
  if (n < 1024) throw new MoatError('usage', `${flag} "${raw}" is below 1k: give room for at least one report, like 256m`);
  return n;
}
