import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type MoatConfig } from '../../doors/config/load.ts';
import { formatLocation } from '../../models/location.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import { fileSink, streamSink, type DecisionSink } from '../../features/enforce/decision-log.ts';
import { dryRun, sourceKind, type DryRunSource } from '../../features/enforce/dry-run.ts';
import { EngineDaemonView } from '../../features/enforce/daemon-view.ts';
import { Enforcer } from '../../features/enforce/enforcer.ts';
import { resolveEndpoint, type Endpoint } from '../../doors/engine/endpoint.ts';
import { DEFAULT_DAEMON_JSON, DEFAULT_PLUGIN_NAME, DEFAULT_SOCKET, DEFAULT_SPEC_DIR, installPlugin } from '../../features/enforce/install.ts';
import { startPluginServer } from '../../features/enforce/server.ts';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';
import { maskText } from '../../util/secrets/mask.ts';

export const ENFORCE_HELP = `Usage: moat enforce <serve|install|test> [options]

A Docker authorization plugin that judges every API request with the container rules
of moat audit and moat lint, under the enforce: policy in moat.yaml.

  moat enforce serve [--socket PATH] [--host URL] [--log FILE|-] [--timeout MS] [--config FILE]
      run the plugin (default socket ${DEFAULT_SOCKET}); one JSON line per decision
      --log FILE          decision log (default: standard output); rotated by size
      --log-max-bytes N   rotate past N bytes (default 16777216); --log-keep N files (default 5)
      --timeout MS        answer every request within MS (default 1000): past it, deny
      --max-in-flight N   requests judged at once (default 64): past it, deny
      --host-root DIR     resolve bind sources under DIR (when the plugin runs in a container)
      --host URL          the daemon this plugin guards (default DOCKER_HOST, else unix:///var/run/docker.sock):
                          asked at every start, exec start and plugin enable for what will run (the start check)
  moat enforce install [--spec-dir DIR] [--socket PATH] [--name NAME] [--daemon-config FILE]
      write DIR/NAME.spec (default ${DEFAULT_SPEC_DIR}/${DEFAULT_PLUGIN_NAME}.spec) and print the
      daemon.json change (default file ${DEFAULT_DAEMON_JSON}); changes nothing else
  moat enforce test [--run "docker run ..."]... [FILE...] [--format text|json] [--user NAME]
      show what the plugin would decide for docker run lines, scripts and compose files

Exit codes: serve 0 when stopped by SIGTERM/SIGINT; test 0 all allowed, 1 something denied;
2 usage or configuration error; 3 could not complete.`;

export async function enforceCommand(argv: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    io.stdout.write(ENFORCE_HELP + '\n');
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub === 'serve') return serve(rest, io);
  if (sub === 'install') return install(rest, io);
  if (sub === 'test') return test(rest, io);
  throw new MoatError('usage', `unknown enforce command "${sub}": use serve, install or test (moat enforce --help)`);
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new MoatError('usage', `${flag} takes a positive whole number, not "${value}"`);
  return Number(value);
}

function policyWarnings(config: MoatConfig): string[] {
  return config.enforce.exceptions
    .filter((ex) => ex.user === undefined)
    .map((ex) => `${formatLocation(ex.at)}: this exception matches on ${ex.image !== undefined ? 'an image name' : 'a label'} the requester chooses; without user: anyone who can reach the daemon can claim it`);
}

async function serve(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs('enforce serve', argv, {
    socket: { type: 'string' },
    log: { type: 'string' },
    'log-max-bytes': { type: 'string' },
    'log-keep': { type: 'string' },
    timeout: { type: 'string' },
    'max-in-flight': { type: 'string' },
    'host-root': { type: 'string' },
    host: { type: 'string', short: 'H' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(ENFORCE_HELP + '\n');
    return EXIT.ok;
  }
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules });
  const timeoutMs = positiveInt('--timeout', values.timeout, 1000);
  const maxInFlight = positiveInt('--max-in-flight', values['max-in-flight'], 64);
  const socketPath = resolve(io.cwd, values.socket ?? DEFAULT_SOCKET);
  let endpoint: Endpoint;
  try {
    endpoint = resolveEndpoint(io.env, values.host);
  } catch (e) {
    // The endpoint's messages name DOCKER_HOST; here the value came from --host (or DOCKER_HOST when --host is absent).
    throw new MoatError('usage', `--host: ${values.host !== undefined ? (e as Error).message.replace(/^DOCKER_HOST /, '') : (e as Error).message}`);
  }
  // The start check gets most of the decision's time; the rest is judging and answering.
  const daemon = new EngineDaemonView(endpoint, Math.max(1, Math.floor(timeoutMs * 0.8)));
  // Images are checked for trusted signatures only when moat.yaml's trust.signatures names signers.
  const { hasSignerPolicy } = await import('../../doors/signatures/policy.ts');
  const imageTrust = hasSignerPolicy(config.trust.signatures) ? new (await import('../../features/enforce/image-trust.ts')).ImageTrustGate({ policy: config.trust.signatures!, registry: { env: io.env } }) : undefined;
  const enforcer = new Enforcer({ config, hostRoot: values['host-root'], daemon, daemonTimeoutMs: Math.max(1, Math.floor(timeoutMs * 0.8)), ...(imageTrust ? { imageTrust } : {}) });
  let log: DecisionSink;
  if (values.log === undefined || values.log === '-') log = streamSink(io.stdout);
  else {
    const file = resolve(io.cwd, values.log);
    const maxBytes = positiveInt('--log-max-bytes', values['log-max-bytes'], 16 * 1024 * 1024);
    const keep = positiveInt('--log-keep', values['log-keep'], 5);
    try {
      log = fileSink(file, { maxBytes, keep });
    } catch (e) {
      throw new MoatError('usage', `cannot open --log ${values.log}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (does ${dirname(file)} exist and is it writable?)`);
    }
  }
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  const server = await startPluginServer({ socketPath, enforcer, log, timeoutMs, maxInFlight });
  for (const w of policyWarnings(config)) io.stderr.write(`moat: warning: ${w}\n`);
  io.stderr.write(`moat enforce: serving on ${socketPath} for the daemon at ${endpoint.display} with ${enforcer.rules.length} container rules (${config.file ? `policy from ${config.file}` : 'default policy: deny high and critical findings'})\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      done();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await server.close();
  daemon.close();
  await log.close();
  const s = server.stats;
  io.stderr.write(`moat enforce: stopped after ${s.requests} requests (${s.denied} denied, ${s.timeouts} timed out, ${s.overloads} over the in-flight bound)\n`);
  return EXIT.ok;
}

async function install(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs('enforce install', argv, {
    'spec-dir': { type: 'string' },
    socket: { type: 'string' },
    name: { type: 'string' },
    'daemon-config': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(ENFORCE_HELP + '\n');
    return EXIT.ok;
  }
  const r = installPlugin({
    name: values.name,
    socket: values.socket === undefined ? undefined : resolve(io.cwd, values.socket),
    specDir: values['spec-dir'] === undefined ? undefined : resolve(io.cwd, values['spec-dir']),
    daemonConfig: values['daemon-config'] === undefined ? undefined : resolve(io.cwd, values['daemon-config']),
  });
  const name = values.name ?? DEFAULT_PLUGIN_NAME;
  const lines = [`wrote ${r.specFile} (${r.address})`];
  if (r.alreadyConfigured) lines.push(`${r.daemonConfig} already lists "${name}" in authorization-plugins: nothing to change there.`);
  else {
    lines.push(
      `Change ${r.daemonConfig} (Moat did not touch it):`,
      `  "authorization-plugins": ${JSON.stringify(r.current ?? [])}  ->  ${JSON.stringify(r.proposed)}`,
      `so that it reads:`,
      r.proposedDocument.trimEnd(),
    );
  }
  lines.push(
    `Start the plugin first (moat enforce serve --socket ${r.address.slice('unix://'.length)}), then restart dockerd:`,
    'a daemon whose authorization plugin is missing at start exits, and while the plugin is down every API call fails after ~15 s of retries.',
    'The plugin asks the daemon what will run at every start: add --host URL to serve when the daemon does not listen on DOCKER_HOST or /var/run/docker.sock.',
  );
  io.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}

async function test(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'enforce test',
    argv,
    { run: { type: 'string', multiple: true }, format: { type: 'string', short: 'f' }, user: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.stdout.write(ENFORCE_HELP + '\n');
    return EXIT.ok;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new MoatError('usage', `unknown --format "${format}" for enforce test: use text or json`);
  const sources: DryRunSource[] = (values.run ?? []).map((text) => ({ text, file: '--run', kind: 'run' as const }));
  for (const p of positionals) {
    const file = resolve(io.cwd, p);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new MoatError('usage', `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    sources.push({ text, file: p, kind: sourceKind(p) });
  }
  if (sources.length === 0) throw new MoatError('usage', 'enforce test needs --run "docker run ..." or a file (compose file or shell script)');
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules });
  const enforcer = new Enforcer({ config });
  // `what` quotes the run line or the compose service as written: masked like every output.
  const results = (await dryRun(enforcer, sources, { cwd: io.cwd, env: io.env, user: values.user })).map((r) => ({ ...r, what: maskText(r.what) }));
  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        results.map((r) => ({ what: r.what, at: r.at, decision: r.judgement.allow ? 'allow' : 'deny', rule: r.judgement.rule ?? null, msg: r.judgement.allow ? undefined : r.judgement.msg, findings: r.judgement.findings, notes: r.judgement.notes })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const r of results) {
      io.stdout.write(`${r.judgement.allow ? 'ALLOW' : 'DENY '} ${r.what}${r.at && r.at !== r.what ? ` (${r.at})` : ''}\n`);
      for (const f of r.judgement.findings) io.stdout.write(`  ${f.action.padEnd(8)} ${f.rule} (${f.severity}): ${f.message}${f.at ? ` [${f.at}]` : ''}${f.exception ? ` — exception: ${f.exception}` : ''}\n`);
      for (const n of r.judgement.notes) io.stdout.write(`  note     ${n}\n`);
    }
  }
  return results.some((r) => !r.judgement.allow) ? EXIT.findings : EXIT.ok;
}
