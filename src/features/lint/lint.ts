import { join } from 'node:path';
import { buildReport } from '../../report/build.ts';
import { signaturePolicyFor } from '../../doors/signatures/policy.ts';
import { applyConfig } from '../../report/apply-config.ts';
import { emptyConfig, type MoatConfig } from '../../doors/config/load.ts';
import type { Finding } from '../../models/finding.ts';
import { checkResult } from '../../report/summary.ts';
import { formatLocation, type Location } from '../../models/location.ts';
import type { Report, ReportError, ReportNote, ReportWarning } from '../../report/model.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import type { Verdict } from '../../models/verdict.ts';
import { dockerfileRules as allDockerfileRules } from '../../knowledge/rules/dockerfile/index.ts';
import { inBenchmark } from '../../models/rule-benchmark.ts';
import type { ContainerRule, DockerfileRule, DockerfileSettings, Rule } from '../../models/rule.ts';
import { MAX_DOCKERFILE_BYTES } from '../../doors/dockerfile/text.ts';
import { capText } from '../../util/error-text.ts';
import { MoatError } from '../../util/errors.ts';
import { FILE_KINDS, type FileKind, type Judged } from './file-kinds.ts';
import { IgnoreIndex, inlineIgnores, type InlineIgnore } from '../../knowledge/rules/dockerfile/support/inline-ignores.ts';
import { redact } from '../../util/secrets/index.ts';
import { ruleIds } from './rule-ids.ts';
import { findFiles, readInput } from './walk.ts';

export interface LintOptions {
  /** Files and directories to lint (directories are walked). */
  paths: readonly string[];
  /** Texts given on the command line rather than in files: standard input, `--run` lines. */
  inputs?: readonly LintInput[];
  cwd?: string;
  /**
   * Rules to run (after selection); every Dockerfile and container rule by default (the
   * container rules then loaded by the first compose file, script or run line).
   */
  rules?: readonly Rule[];
  /** moat.yaml: severity overrides, ignores, trusted registries and base images. */
  config?: MoatConfig;
  /** File kinds to recognise (the registry by default; tests and embedders add their own). */
  kinds?: readonly FileKind[];
  env?: Readonly<Record<string, string | undefined>>;
  now?: Date;
  /** Called before each file is read: the CLI bounds the process's heap there (young-generation.ts). */
  beforeFile?: () => void;
}

/** A text to lint that is not a file: `-` (standard input) or a `--run` line. */
export interface LintInput {
  /** How findings name it: `-`, `--run`. */
  display: string;
  bytes: Uint8Array;
  kind: FileKind;
}

/** Rule targets `lint` can judge: what files become. */
const LINT_TARGETS = new Set(['dockerfile', 'container']);

/** What lint reads, whether found on disk or given inline. */
type Source = { display: string; kind: FileKind } & ({ path: string } | { bytes: Uint8Array });

/**
 * `moat lint`: finds the files under `paths`, reads each through its door into models,
 * runs the selected rules, applies inline ignores and moat.yaml, and returns one Report
 * (`command: 'lint'`). A file that cannot be read or parsed does not hide the others: it is
 * listed in the report's `errors` (located), everything else is linted, and the report says
 * it is incomplete (the CLI exits 3). Only a usage error (a `--run` with no docker command)
 * is thrown.
 */
export async function lint(opts: LintOptions): Promise<Report> {
  const started = new Date();
  const t0 = performance.now();
  const now = opts.now ?? started;
  const cwd = opts.cwd ?? process.cwd();
  const config = opts.config ?? emptyConfig(cwd);
  // By default the container rules (and the engine's models they bring, ~40 ms of a process's
  // start-up) are loaded when a file of containers is read: most trees are only Dockerfiles.
  const lazyContainers = opts.rules === undefined;
  let rules: Rule[] = inBenchmark(opts.rules ?? allDockerfileRules, config.benchmark).filter((r) => LINT_TARGETS.has(r.meta.target));
  const kinds = opts.kinds ?? FILE_KINDS;
  const errors: ReportError[] = [];
  const notes: ReportNote[] = [];
  const files = findFiles(opts.paths, cwd, kinds, (p) => errors.push({ message: p.message, location: { file: p.file } }));
  const sources: Source[] = [...(opts.inputs ?? []), ...files];
  const settings: DockerfileSettings = { trustedRegistries: config.trust.registries, trustedBaseImages: config.trust.baseImages, ...digestRequirement(config) };

  const warnings: ReportWarning[] = [];
  const pending = new Map<FileKind, Source[]>();
  const verdicts = new Map<string, Verdict[]>(rules.map((r) => [r.meta.id, []]));
  // A tree of 2,000 files gives ~100,000 verdicts: findings go to `found` as they come, and a
  // verdict without its findings is one of a few shapes (pass, fail, or not applicable for a
  // reason), kept once, so what the checks need of them (status, reason, count) costs a pointer each.
  const found = new Map<string, Finding[]>(rules.map((r) => [r.meta.id, []]));
  const shapes = new Map<string, Map<string | undefined, Verdict>>();
  /** Where a rule's verdicts and findings go, looked up once per rule rather than per file. */
  interface Sink {
    verdicts: Verdict[] | undefined;
    found: Finding[] | undefined;
    ids: string[];
  }
  const sinkOf = (r: Rule): Sink => ({ verdicts: verdicts.get(r.meta.id), found: found.get(r.meta.id), ids: ruleIds(r.meta) });
  const keep = (sink: Sink, v: Verdict): void => {
    if (v.findings.length) sink.found?.push(...v.findings);
    let byReason = shapes.get(v.status);
    if (!byReason) shapes.set(v.status, (byReason = new Map()));
    let shape = byReason.get(v.reason);
    if (!shape) byReason.set(v.reason, (shape = { status: v.status, findings: [], ...(v.reason !== undefined ? { reason: v.reason } : {}) }));
    sink.verdicts?.push(shape);
  };
  const dockerfileRules = rules.filter((r): r is DockerfileRule => r.meta.target === 'dockerfile');
  let containerRules = rules.filter((r): r is ContainerRule => r.meta.target === 'container');
  const dockerfileSinks = dockerfileRules.map(sinkOf);
  let containerSinks = containerRules.map(sinkOf);
  /** Every rule's ids, for the warning on an inline ignore naming none: loaded by the first file that has a moat:ignore. */
  let known: ReadonlySet<string> | undefined;
  const loadContainerRules = async (): Promise<void> => {
    const loaded = inBenchmark((await import('../../knowledge/rules/container/index.ts')).containerRules, config.benchmark);
    for (const r of loaded) {
      verdicts.set(r.meta.id, []);
      found.set(r.meta.id, []);
    }
    // In the order of every rule's list (container rules before Dockerfile rules), as when given.
    rules = [...loaded, ...rules];
    containerRules = loaded;
    containerSinks = loaded.map(sinkOf);
  };
  // What the report says of the files; their models are judged as each file is read and then
  // dropped, so memory follows the findings, not the size of the tree.
  const linted = new Map<string, number>();
  const judgedTargets = new Set<string>(['dockerfile']);
  const located = (m: { message: string; at?: Location }, file: string): ReportWarning => ({ message: m.at ? `${formatLocation(m.at)}: ${m.message}` : `${file}: ${m.message}`, location: m.at ?? { file } });
  for (const f of sources) {
    opts.beforeFile?.();
    if (!f.kind.read) {
      pending.set(f.kind, [...(pending.get(f.kind) ?? []), f]);
      continue;
    }
    let models: Judged[];
    try {
      const bytes = 'bytes' in f ? f.bytes : readInput(f.path, f.display, MAX_DOCKERFILE_BYTES);
      const read = await f.kind.read(bytes, { file: f.display, path: 'path' in f ? f.path : join(cwd, f.display), env: opts.env ?? process.env });
      models = read.models;
      warnings.push(...read.warnings.map((w) => located(w, f.display)));
      notes.push(...(read.notes ?? []).map((n) => located(n, f.display)));
    } catch (e) {
      if (!(e instanceof MoatError) || e.kind === 'usage') throw e;
      errors.push(fileError(e.message, f.display));
      continue;
    }
    linted.set(f.kind.title, (linted.get(f.kind.title) ?? 0) + 1);
    for (const m of models) {
      if (m.target === 'dockerfile') {
        judgedTargets.add(m.target);
        const inline = inlineIgnores(m.dockerfile);
        const ignores = new IgnoreIndex(inline);
        const facts = { dockerfile: m.dockerfile, settings };
        dockerfileRules.forEach((r, k) => {
          const sink = dockerfileSinks[k] as Sink;
          keep(sink, suppressInline(masked(capped(runCheck(r, facts, m.subject))), sink.ids, ignores));
        });
        if (inline.some((ig) => !ig.hadolint)) {
          known ??= new Set((await import('../../knowledge/rules/index.ts')).allRules.flatMap((r) => ruleIds(r.meta)));
          warnings.push(...unknownIgnores(inline, known));
        }
      } else {
        if (lazyContainers && !judgedTargets.has('container')) await loadContainerRules();
        judgedTargets.add(m.target);
        containerRules.forEach((r, k) => keep(containerSinks[k] as Sink, masked(capped(runCheck(r, { container: m.container, network: m.network }, m.subject)))));
      }
    }
  }
  const where = [...opts.paths, ...(opts.inputs ?? []).map((i) => i.display)].join(' ');
  if (sources.length === 0 && errors.length === 0) warnings.push({ message: `nothing to lint in ${where}: no ${kinds.filter((k) => k.targets.length).map((k) => `${k.title}s`).join(', ')} found (or all are ignored by .gitignore/.dockerignore)` });
  for (const [kind, list] of pending) {
    warnings.push({ message: `${plural(list.length, kind.title)} found but not linted: ${kind.pending ?? 'no door reads them'} (${list.slice(0, 3).map((f) => f.display).join(', ')}${list.length > 3 ? ', ...' : ''})`, location: { file: list[0]?.display ?? '' } });
  }

  // A rule set whose models never came through a door (no compose file was read) has nothing to say.
  const ran = rules.filter((r) => judgedTargets.has(r.meta.target));
  // By rule, then by file: the order the report has always had.
  const raw = ran.flatMap((r) => found.get(r.meta.id) ?? []);
  found.clear();
  const applied = applyConfig(raw, config, { now, ran });
  warnings.push(...applied.warnings);
  const byRule = Map.groupBy(applied.findings, (f) => f.ruleId);
  const checks = ran.map((r) => checkResult(r.meta, verdicts.get(r.meta.id) ?? [], byRule.get(r.meta.id) ?? []));
  const counts = [...linted].map(([title, n]) => plural(n, title));
  if (errors.length) counts.push(`${errors.length} not read`);
  return buildReport({
    command: 'lint',
    target: { description: `${counts.length ? counts.join(', ') : 'no files to lint'} in ${where}` },
    started,
    durationMs: performance.now() - t0,
    findings: applied.findings,
    checks,
    ...(config.file ? { configFile: config.file } : {}),
    benchmark: config.benchmark,
    warnings,
    errors,
    notes,
  });
}

/**
 * A door's error as the report lists it: the text capped (a hostile file can make a long
 * one) and the location read back from its `file:line:col: ` prefix, so the JSON and SARIF
 * can point at the spot.
 */
function fileError(message: string, display: string): ReportError {
  const text = capText(message);
  if (text.startsWith(`${display}:`)) {
    const m = /^:(\d+)(?::(\d+))?: /.exec(text.slice(display.length));
    if (m) return { message: text, location: { file: display, line: Number(m[1]), ...(m[2] ? { column: Number(m[2]) } : {}) } };
    return { message: text, location: { file: display } };
  }
  return { message: `${display}: ${text}`, location: { file: display } };
}

/** Findings one rule may report on one file (or service); past it they are counted, not listed. */
export const MAX_FINDINGS_PER_RULE = 1000;

/**
 * A generated or hostile file can repeat one mistake 200,000 times: listing each would make
 * the report (and its memory) grow without telling the reader more. The first
 * `MAX_FINDINGS_PER_RULE` are kept, and one more finding, at the next place, says how many
 * were left out.
 */
function capped(v: Verdict): Verdict {
  if (v.findings.length <= MAX_FINDINGS_PER_RULE + 1) return v;
  const next = v.findings[MAX_FINDINGS_PER_RULE] as Finding;
  const rest = v.findings.length - MAX_FINDINGS_PER_RULE;
  const where = next.subject.name ?? next.subject.id;
  const summary: Finding = { ...next, message: `… and ${rest.toLocaleString('en-US')} more findings of this rule in ${where}, from here on (not listed: a report stops at ${MAX_FINDINGS_PER_RULE} per rule and file)` };
  delete summary.evidence;
  return { ...v, findings: [...v.findings.slice(0, MAX_FINDINGS_PER_RULE), summary] };
}

/** Marks findings an inline ignore covers; they stay in the report, suppressed, with the ignore's reason. */
function suppressInline(v: Verdict, ids: readonly string[], ignores: IgnoreIndex): Verdict {
  if (v.findings.length === 0 || ignores.empty) return v;
  const findings = v.findings.map((f): Finding => {
    const ig = ignores.find(ids, f.location?.line);
    if (!ig) return f;
    const reason = ig.reason ?? (ig.hadolint ? 'hadolint ignore pragma (no reason given)' : 'inline ignore without a reason');
    return { ...f, suppressed: { reason: `${reason} (${formatLocation(ig.at)})` } };
  });
  return { ...v, findings };
}

function unknownIgnores(inline: readonly InlineIgnore[], known: ReadonlySet<string>): ReportWarning[] {
  return inline
    .filter((ig) => !ig.hadolint)
    .flatMap((ig) => ig.rules.filter((r) => !known.has(r)).map((r) => ({ message: `${formatLocation(ig.at)}: moat:ignore names unknown rule "${r}": use a rule id (moat rules lists them) or a hadolint code`, location: ig.at })));
}

function plural(n: number, title: string): string {
  return `${n} ${title}${n === 1 ? '' : 's'}`;
}

/**
 * Findings quote the file (a RUN line, an ENV pair): whatever rule wrote them, a secret in
 * the quote is masked before it reaches any report.
 */
function masked(v: Verdict): Verdict {
  if (v.findings.length === 0) return v;
  return {
    ...v,
    findings: v.findings.map((f) => {
      const message = redact(f.message);
      const evidence = f.evidence === undefined ? undefined : redact(f.evidence);
      // Most quotes hold no secret: the finding is then kept as it is, not copied.
      if (message === f.message && evidence === f.evidence) return f;
      return { ...f, message, ...(evidence !== undefined ? { evidence } : {}) };
    }),
  };
}

/** trust.signatures' requireDigest, through the one policy matcher (the first entry covering an image decides). */
function digestRequirement(config: MoatConfig): Pick<DockerfileSettings, 'digestRequiredBy'> {
  const policy = config.trust.signatures;
  if (!policy?.entries.some((e) => e.requireDigest)) return {};
  return {
    digestRequiredBy: (domain, path) => {
      const entry = signaturePolicyFor(policy, { domain, path });
      return entry?.requireDigest ? (entry.at ?? 'trust.signatures') : undefined;
    },
  };
}
