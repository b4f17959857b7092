import { audit } from '../../features/audit/audit.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import { renderReport, tableWidth, type ReportFormat } from '../../report/index.ts';
import { shouldColor } from '../../report/table.ts';
import { auditRules } from '../../knowledge/rules/audit-command-rules.ts';
import { selectConfiguredRules } from '../../report/apply-config.ts';
import { findConfigFile, loadConfig } from '../../doors/config/load.ts';
import { MoatError } from '../../util/errors.ts';
import { parseBenchmark, parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutput } from '../output.ts';
import { exitCodeFor, parseFailOn, parseFormat } from '../report-options.ts';
import type { Report } from '../../report/model.ts';

export const AUDIT_HELP = `Usage: moat audit [options]

Audits the local Docker host, its daemon and every running container against the
CIS Docker Benchmark (v1.8.0 by default; see --benchmark) and hardening guides.

Options:
  -f, --format FORMAT     table (default), json, sarif or html
  -o, --output FILE       write the report to FILE instead of standard output
      --fail-on SEVERITY  exit 1 when a finding is at or above SEVERITY:
                          critical, high (default), medium, low, info, or none
  -c, --container NAME    audit only this container (name or id prefix; repeatable)
  -a, --all               include stopped and created containers
      --checks LIST       run only these checks: rule ids, CIS ids (5.5) or sections (5, 1.1)
      --skip LIST         skip these checks (same syntax)
      --benchmark VERSION CIS Docker Benchmark version the CIS ids are numbered in:
                          cis-1.8.0 (default), cis-1.7.0 or cis-1.6.0
      --config FILE       moat.yaml to use (default: moat.yaml in the working
                          directory or the nearest directory above it)
  -H, --host URL          engine to audit (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --host-root DIR     read host files under DIR (when Moat runs in a container)
      --daemon-config FILE  daemon.json to read (default: dockerd's --config-file, else /etc/docker/daemon.json)
      --timeout MS        per-request engine timeout (default 15000)
  -v, --verbose           table: list passed and not applicable checks too
  -h, --help              show this help

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or configuration error, 3 the audit could not complete.`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  container: { type: 'string', short: 'c', multiple: true },
  all: { type: 'boolean', short: 'a' },
  checks: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  benchmark: { type: 'string' },
  config: { type: 'string' },
  host: { type: 'string', short: 'H' },
  'host-root': { type: 'string' },
  'daemon-config': { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Read by `moat lint -`; the process's standard input when absent. */
  stdin?: NodeJS.ReadableStream;
}

export async function auditCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs('audit', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(AUDIT_HELP + '\n');
    return EXIT.ok;
  }
  const format = parseFormat(values.format);
  const failOn = parseFailOn(values['fail-on'] ?? 'high');
  // A moat.yaml is shared with lint: its rule ids are checked against every rule, Dockerfile ones
  // included, which are loaded only then.
  const hasConfig = values.config !== undefined || findConfigFile(io.cwd) !== undefined;
  const known = hasConfig ? (await import('../../knowledge/rules/index.ts')).allRules : auditRules;
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: known, benchmark: parseBenchmark(values.benchmark) });
  const rules = selectConfiguredRules(auditRules, config, { checks: splitList(values.checks), skip: splitList(values.skip) });
  const timeoutMs = values.timeout === undefined ? undefined : parsePositiveInt('--timeout', values.timeout);
  const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');

  const now = new Date();
  // Only a trust.signatures policy with signers makes audit check signatures (and reach registries).
  const { hasSignerPolicy } = await import('../../doors/signatures/policy.ts');
  const verifier = hasSignerPolicy(config.trust.signatures) ? new (await import('../../features/verify/verifier.ts')).SignatureVerifier({ registry: { env: io.env, ...(timeoutMs ? { timeoutMs } : {}) } }) : undefined;
  const { imageSignatureStatus } = verifier ? await import('../../features/verify/image-status.ts') : { imageSignatureStatus: undefined };
  const report = await audit({
    engine: { endpoint: resolveEndpoint(io.env, values.host), timeoutMs },
    rules,
    containers: values.container,
    all: values.all,
    hostRoot: values['host-root'],
    daemonConfigPath: values['daemon-config'],
    env: io.env,
    config,
    now,
    ...(verifier && imageSignatureStatus ? { imageSignature: (image: ImageSpec) => imageSignatureStatus(verifier, config.trust.signatures, image) } : {}),
  }).finally(() => verifier?.close());

  deliverReport(report, format, { output: values.output, verbose: values.verbose === true }, io);
  return exitCodeFor(report, failOn);
}

// Also here, beside deliverReport, for the commands that take all three from audit (scan).
export { exitCodeFor, parseFailOn, parseFormat };

/** Renders the report to standard output or `--output` (atomically), warnings to stderr. Shared by every reporting command. */
export function deliverReport(report: Report, format: ReportFormat, opts: { output?: string; verbose: boolean }, io: CommandIO): void {
  const color = !opts.output && shouldColor(io.stdout, io.env);
  // A file is read by anything, at any width: only a terminal's rows are wrapped.
  const width = opts.output ? undefined : tableWidth(io.stdout, io.env);
  const text = renderReport(report, format, { color, verbose: opts.verbose, cwd: io.cwd, width });
  // The table shows warnings itself; a machine format or a file must not hide them from the person running it.
  if (format !== 'table' || opts.output) {
    for (const w of report.warnings ?? []) io.stderr.write(`moat: warning: ${w.message}\n`);
    for (const e of report.errors ?? []) io.stderr.write(`moat: error: ${e.message}\n`);
  }
  if (opts.output) {
    writeOutput(opts.output, text);
    io.stderr.write(`moat: wrote ${opts.output} (${report.findings.filter((f) => !f.suppressed).length} findings, ${report.checks.length} checks)\n`);
  } else io.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0) throw new MoatError('usage', `${flag} takes a positive whole number of milliseconds, not "${value}"`);
  return n;
}
