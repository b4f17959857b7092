import { selectConfiguredRules } from '../../report/apply-config.ts';
import { findConfigFile, loadConfig, type MoatConfig } from '../../doors/config/load.ts';
import { detectKind, dockerfileKind, KIND_NAMES, runLineKind } from '../../features/lint/file-kinds.ts';
import { lint, type LintInput } from '../../features/lint/lint.ts';
import { findFiles, readInput } from '../../features/lint/walk.ts';
import { boundYoungGeneration, serialScavenges } from '../../features/lint/young-generation.ts';
import { deferTopTier } from '../../features/lint/tiering.ts';
import { dockerfileRules } from '../../knowledge/rules/dockerfile/index.ts';
import type { Rule } from '../../models/rule.ts';
import { parseDockerfile } from '../../doors/dockerfile/parse.ts';
import { MAX_DOCKERFILE_BYTES } from '../../doors/dockerfile/text.ts';
import { MoatError } from '../../util/errors.ts';
import { renderJsonChunks } from '../../report/json.ts';
import { parseBenchmark, parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';
import { exitCodeFor, parseFailOn, parseFormat } from '../report-options.ts';

export const LINT_HELP = `Usage: moat lint [PATH...] [options]
       moat lint --run "docker run ..."
       moat lint - [--kind dockerfile|compose|script] < FILE

Lints Dockerfiles, compose files and docker run lines (in shell scripts and Makefiles)
before anything is built or run. PATH is a file or a directory (default: the current
directory); directories are walked, honouring .gitignore and .dockerignore, for
Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, compose*.y*ml,
docker-compose*.y*ml, *.sh, *.bash, Makefile and *.mk. PATH - reads standard input:
its kind is told from its content, or given with --kind.

Options:
      --run COMMAND       lint a docker run (or create) command line (repeatable)
      --kind KIND         what standard input holds: dockerfile, compose or script
  -f, --format FORMAT     table (default), json, sarif or html
  -o, --output FILE       write the report to FILE instead of standard output
      --fail-on SEVERITY  exit 1 when a finding is at or above SEVERITY:
                          critical, high (default), medium, low, info, or none
      --checks LIST       run only these checks: rule ids, CIS ids (4.1) or sections (4)
      --skip LIST         skip these checks (same syntax)
      --benchmark VERSION CIS Docker Benchmark version the CIS ids are numbered in:
                          cis-1.8.0 (default), cis-1.7.0 or cis-1.6.0
      --config FILE       moat.yaml to use (default: moat.yaml in the working
                          directory or above)
      --fix               rewrite what is safe to fix mechanically (ADD of local files
                          to COPY, --no-install-recommends, apt list cleanup, JSON-form
                          CMD), atomically, then report what is left; a FROM by tag that
                          moat.yaml trust.signatures requireDigest covers is pinned to the
                          digest its registry serves (the only time lint asks a registry)
      --dry-run           with --fix: print the changes as a unified diff, write nothing
  -v, --verbose           table: list passed and not applicable checks too
  -h, --help              show this help

Inline ignores: '# moat:ignore RULE-ID reason' above an instruction, '# moat:ignore-stage
RULE-ID reason' above a FROM, '# moat:ignore-file RULE-ID reason' anywhere.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or configuration error, 3 a file could not be read or parsed: every other
file is still linted and reported, and the files that could not be are listed.`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  checks: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  benchmark: { type: 'string' },
  config: { type: 'string' },
  fix: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  run: { type: 'string', multiple: true },
  kind: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** --fix for FROM by tag where trust.signatures requires digests: the registry's digest for the tag (issue 16). */
async function pinDigests(files: Array<{ path: string; display: string }>, config: MoatConfig, io: CommandIO, dryRun: boolean): Promise<void> {
  const policy = config.trust.signatures;
  if (!policy?.entries.some((e) => e.requireDigest)) return;
  const { signaturePolicyFor } = await import('../../doors/signatures/policy.ts');
  const { pinFromDigests } = await import('../../features/lint/pin-digests.ts');
  const { writeFileAtomic } = await import('../../features/lint/fix.ts');
  const { SignatureVerifier } = await import('../../features/verify/verifier.ts');
  const { createTwoFilesPatch } = await import('diff');
  const requires = (domain: string, path: string): string | undefined => (signaturePolicyFor(policy, { domain, path })?.requireDigest ? 'policy' : undefined);
  const verifier = new SignatureVerifier({ registry: { env: io.env } });
  let pinned = 0;
  try {
    for (const f of files) {
      const bytes = readInput(f.path, f.display, MAX_DOCKERFILE_BYTES);
      const text = new TextDecoder().decode(bytes);
      const spec = await parseDockerfile(bytes, { file: f.display });
      const r = await pinFromDigests(text, spec, requires, async (ref) => (await verifier.resolveRegistry(ref)).digest, new Date().toISOString().slice(0, 10));
      if (r.applied.length === 0) continue;
      pinned += r.applied.length;
      if (dryRun) io.stdout.write(createTwoFilesPatch(`a/${f.display}`, `b/${f.display}`, r.before, r.after, undefined, undefined, { context: 3 }));
      else writeFileAtomic(f.path, r.after);
    }
  } finally {
    verifier.close();
  }
  io.stderr.write(`moat: ${dryRun ? 'would pin' : 'pinned'} ${pinned} FROM${pinned === 1 ? '' : 's'} to registry digests (trust.signatures requireDigest)\n`);
}

export async function lintCommand(argv: string[], io: CommandIO): Promise<number> {
  // A lint of a few thousand files is over before V8's top tier pays for its compiling:
  // deferred, ~15% less CPU for 2,000 files (tiering.ts). Lifted at the end for callers
  // that run more in the same process (tests).
  const topTier = deferTopTier();
  // Its many small scavenges cost less CPU on the main thread alone (young-generation.ts).
  const scavenges = serialScavenges();
  try {
    return await runLint(argv, io);
  } finally {
    topTier.release();
    scavenges.release();
  }
}

async function runLint(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('lint', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(LINT_HELP + '\n');
    return EXIT.ok;
  }
  if (values['dry-run'] && !values.fix) throw new MoatError('usage', 'lint: --dry-run only makes sense with --fix');
  const format = parseFormat(values.format);
  const failOn = parseFailOn(values['fail-on'] ?? 'high');
  const checks = splitList(values.checks);
  const skip = splitList(values.skip);
  // Every rule is loaded only when something names rules (a moat.yaml, --checks, --skip): its
  // ids are checked against all of them. Otherwise lint runs every Dockerfile rule and loads
  // the container rules when it reads a compose file, a script or a run line.
  const selecting = values.config !== undefined || findConfigFile(io.cwd) !== undefined || checks.length > 0 || skip.length > 0;
  const allRules = selecting ? (await import('../../knowledge/rules/index.ts')).allRules : [];
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules, benchmark: parseBenchmark(values.benchmark) });
  const selected = selecting ? selectConfiguredRules(allRules, config, { checks, skip }).filter((r) => r.meta.target === 'dockerfile' || r.meta.target === 'container') : undefined;
  // What --fix asks of them is which rules are selected (Dockerfile ones).
  const rules: readonly Rule[] = selected ?? dockerfileRules;
  const stdin = positionals.filter((p) => p === '-').length;
  if (stdin > 1) throw new MoatError('usage', 'lint: standard input (-) can be read once');
  const runs = values.run ?? [];
  if (values.kind !== undefined && !stdin) throw new MoatError('usage', 'lint: --kind says what standard input holds: use it with - (files are known by their names)');
  if (values.fix && (stdin || runs.length)) throw new MoatError('usage', 'lint: --fix rewrites files: it cannot fix standard input or a --run line');
  const named = positionals.filter((p) => p !== '-');
  // No path at all means the current directory; `--run` or `-` alone mean just that.
  const paths = named.length || stdin || runs.length ? named : ['.'];
  const inputs: LintInput[] = runs.map((text, i) => ({ display: runs.length === 1 ? '--run' : `--run#${i + 1}`, bytes: new TextEncoder().encode(text), kind: runLineKind }));
  if (stdin) inputs.push(await standardInput(io, values.kind));
  const now = new Date();

  if (values.fix) {
    // Loaded for --fix only: it brings the diff package, ~15 ms of every lint's start-up.
    const { FIXABLE_RULES, fixDiff, fixDockerfile, writeFileAtomic } = await import('../../features/lint/fix.ts');
    const fixable = new Set<string>(FIXABLE_RULES.filter((id) => rules.some((r) => r.meta.id === id)));
    let changed = 0;
    let rewrites = 0;
    // What cannot be walked or parsed is left as it is: the lint below reports it (exit 3).
    for (const f of findFiles(paths, io.cwd, undefined, () => {}).filter((x) => x.kind === dockerfileKind)) {
      let bytes: Uint8Array;
      let spec: Awaited<ReturnType<typeof parseDockerfile>>;
      try {
        bytes = readInput(f.path, f.display, MAX_DOCKERFILE_BYTES);
        spec = await parseDockerfile(bytes, { file: f.display });
      } catch (e) {
        if (e instanceof MoatError && e.kind !== 'usage') continue;
        throw e;
      }
      const fix = fixDockerfile(new TextDecoder().decode(bytes), spec, fixable);
      if (fix.applied.length === 0) continue;
      changed++;
      rewrites += fix.applied.length;
      if (values['dry-run']) io.stdout.write(fixDiff(f.display, fix));
      else writeFileAtomic(f.path, fix.after);
    }
    io.stderr.write(`moat: ${values['dry-run'] ? 'would make' : 'made'} ${rewrites} fix${rewrites === 1 ? '' : 'es'} in ${changed} file${changed === 1 ? '' : 's'}\n`);
    if (rules.some((r) => r.meta.id === 'dockerfile-base-digest-required')) await pinDigests(findFiles(paths, io.cwd).filter((x) => x.kind === dockerfileKind), config, io, values['dry-run'] === true);
    if (values['dry-run']) return EXIT.ok;
  }

  // 16 MB of young generation, as `node --max-semi-space-size=8` would give: on 2,000 files
  // ~150 MB less peak memory than V8's default growth, for a few % more CPU
  // (young-generation.ts). Held to the end: writing the report makes garbage too.
  const young = boundYoungGeneration(16);
  const report = await lint({ paths, inputs, cwd: io.cwd, ...(selected ? { rules: selected } : {}), config, env: io.env, now, beforeFile: young.check });
  if (format === 'json' && values.output === undefined) {
    // A tree's JSON can be tens of megabytes: written as it is made rather than held whole.
    for (const w of report.warnings ?? []) io.stderr.write(`moat: warning: ${w.message}\n`);
    for (const e of report.errors ?? []) io.stderr.write(`moat: error: ${e.message}\n`);
    await writePieces(io.stdout, renderJsonChunks(report));
  } else {
    // The renderers (table, SARIF, HTML) and what audit.ts brings are loaded only for these.
    const { deliverReport } = await import('./audit.ts');
    deliverReport(report, format, { output: values.output, verbose: values.verbose === true }, io);
  }
  return exitCodeFor(report, failOn);
}

/**
 * `-`: standard input, read whole (up to the size limit of a file to lint). Its kind is
 * `--kind` when given, else told from the content, else a usage error asking for `--kind`.
 */
async function standardInput(io: CommandIO, kindName: string | undefined): Promise<LintInput> {
  const named = kindName === undefined ? undefined : Object.hasOwn(KIND_NAMES, kindName) ? KIND_NAMES[kindName] : undefined;
  if (kindName !== undefined && !named) throw new MoatError('usage', `lint: unknown --kind "${kindName}": use dockerfile, compose or script`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin ?? process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_DOCKERFILE_BYTES) throw new MoatError('incomplete', `-: standard input is over the ${MAX_DOCKERFILE_BYTES / 1048576} MiB limit for a file to lint`);
    chunks.push(b);
  }
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const kind = named ?? detectKind(new TextDecoder().decode(bytes));
  if (!kind) throw new MoatError('usage', 'lint: cannot tell what standard input holds (not a Dockerfile, a compose file or a script with docker run): say it with --kind dockerfile|compose|script');
  return { display: '-', bytes, kind };
}

/**
 * Writes `pieces` as the reader takes them. A pipe's writes are not synchronous: what the
 * reader has not taken yet is queued in this process, so writing every piece at once would
 * hold the whole report again (measured: 695 MB peak for 10,000 files piped, 205 MB to a
 * file). A reader that goes away ends the wait (closed-output.ts ends the process on EPIPE).
 */
async function writePieces(out: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  const stream = out as NodeJS.WritableStream & { destroyed?: boolean };
  for (const piece of pieces) {
    if (stream.destroyed) return;
    if (out.write(piece)) continue;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }
}
