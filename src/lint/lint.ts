import { buildReport } from '../report/build.ts';
import { applyConfig } from '../config/apply.ts';
import { emptyConfig, type MoatConfig } from '../config/load.ts';
import type { Finding } from '../findings/finding.ts';
import { checkResult } from '../findings/summary.ts';
import { formatLocation } from '../models/location.ts';
import type { DockerfileSpec } from '../models/dockerfile-spec.ts';
import type { Report, ReportWarning } from '../report/model.ts';
import { runCheck, type Verdict } from '../rules/evaluate.ts';
import { allRules } from '../rules/index.ts';
import type { ContainerRule, DockerfileRule, DockerfileSettings, Rule } from '../rules/rule.ts';
import { MAX_DOCKERFILE_BYTES } from '../sources/dockerfile/text.ts';
import { MoatError } from '../util/errors.ts';
import { FILE_KINDS, type FileKind, type Judged } from './file-kinds.ts';
import { IgnoreIndex, inlineIgnores } from './inline-ignores.ts';
import { redact } from '../secrets/index.ts';
import { ruleIds } from './rule-ids.ts';
import { findFiles, readInput, type FoundFile } from './walk.ts';

export interface LintOptions {
  /** Files and directories to lint (directories are walked). */
  paths: readonly string[];
  cwd?: string;
  /** Rules to run (after selection); every Dockerfile and container rule by default. */
  rules?: readonly Rule[];
  /** moat.yaml: severity overrides, ignores, trusted registries and base images. */
  config?: MoatConfig;
  /** File kinds to recognise (the registry by default; tests and embedders add their own). */
  kinds?: readonly FileKind[];
  env?: Readonly<Record<string, string | undefined>>;
  now?: Date;
}

/** Rule targets `lint` can judge: what files become. */
const LINT_TARGETS = new Set(['dockerfile', 'container']);

/**
 * `moat lint`: finds the files under `paths`, reads each through its door into models,
 * runs the selected rules, applies inline ignores and moat.yaml, and returns one Report
 * (`command: 'lint'`). Throws a `MoatError` instead of returning a partial report: a file
 * that cannot be read or parsed makes the whole lint incomplete (every such file is named).
 */
export async function lint(opts: LintOptions): Promise<Report> {
  const started = new Date();
  const t0 = performance.now();
  const now = opts.now ?? started;
  const cwd = opts.cwd ?? process.cwd();
  const config = opts.config ?? emptyConfig(cwd);
  const rules = (opts.rules ?? allRules).filter((r) => LINT_TARGETS.has(r.meta.target));
  const kinds = opts.kinds ?? FILE_KINDS;
  const files = findFiles(opts.paths, cwd, kinds);
  const settings: DockerfileSettings = { trustedRegistries: config.trust.registries, trustedBaseImages: config.trust.baseImages };

  const warnings: ReportWarning[] = [];
  const pending = new Map<FileKind, FoundFile[]>();
  const errors: string[] = [];
  const verdicts = new Map<string, Verdict[]>(rules.map((r) => [r.meta.id, []]));
  const dockerfileRules = rules.filter((r): r is DockerfileRule => r.meta.target === 'dockerfile');
  const containerRules = rules.filter((r): r is ContainerRule => r.meta.target === 'container');
  const known = new Set(allRules.flatMap((r) => ruleIds(r.meta)));
  // What the report says of the files; their models are judged as each file is read and then
  // dropped, so memory follows the findings, not the size of the tree.
  const linted = new Map<string, number>();
  const judgedTargets = new Set<string>(['dockerfile']);
  for (const f of files) {
    if (!f.kind.read) {
      pending.set(f.kind, [...(pending.get(f.kind) ?? []), f]);
      continue;
    }
    let models: Judged[];
    try {
      const bytes = readInput(f.path, f.display, MAX_DOCKERFILE_BYTES);
      const read = await f.kind.read(bytes, { file: f.display, path: f.path, env: opts.env ?? process.env });
      models = read.models;
      warnings.push(...read.warnings.map((w) => ({ message: w.at ? `${formatLocation(w.at)}: ${w.message}` : `${f.display}: ${w.message}`, ...(w.at ? { location: w.at } : {}) })));
    } catch (e) {
      if (!(e instanceof MoatError)) throw e;
      errors.push(e.message);
      continue;
    }
    // Once a file has failed the report will not be written: reading on only names the other failures.
    if (errors.length) continue;
    linted.set(f.kind.title, (linted.get(f.kind.title) ?? 0) + 1);
    for (const m of models) {
      judgedTargets.add(m.target);
      if (m.target === 'dockerfile') {
        const ignores = new IgnoreIndex(inlineIgnores(m.dockerfile));
        for (const r of dockerfileRules) verdicts.get(r.meta.id)?.push(suppressInline(masked(runCheck(r, { dockerfile: m.dockerfile, settings }, m.subject)), r, ignores));
        warnings.push(...unknownIgnores(m.dockerfile, known));
      } else {
        for (const r of containerRules) verdicts.get(r.meta.id)?.push(masked(runCheck(r, { container: m.container, network: m.network }, m.subject)));
      }
    }
  }
  if (errors.length) {
    throw new MoatError('incomplete', errors.length === 1 ? (errors[0] as string) : `${errors.length} files could not be linted:\n  ${errors.join('\n  ')}`);
  }
  if (files.length === 0) warnings.push({ message: `nothing to lint in ${opts.paths.join(' ')}: no ${kinds.map((k) => `${k.title}s`).join(', ')} found (or all are ignored by .gitignore/.dockerignore)` });
  for (const [kind, list] of pending) {
    warnings.push({ message: `${plural(list.length, kind.title)} found but not linted: ${kind.pending ?? 'no door reads them'} (${list.slice(0, 3).map((f) => f.display).join(', ')}${list.length > 3 ? ', ...' : ''})`, location: { file: list[0]?.display ?? '' } });
  }

  // A rule set whose models never came through a door (no compose file was read) has nothing to say.
  const ran = rules.filter((r) => judgedTargets.has(r.meta.target));
  const raw = ran.flatMap((r) => verdicts.get(r.meta.id) ?? []).flatMap((v) => v.findings);
  const applied = applyConfig(raw, config, { now, ran });
  warnings.push(...applied.warnings);
  const byRule = Map.groupBy(applied.findings, (f) => f.ruleId);
  const checks = ran.map((r) => checkResult(r.meta, verdicts.get(r.meta.id) ?? [], byRule.get(r.meta.id) ?? []));
  const counts = [...linted].map(([title, n]) => plural(n, title));
  return buildReport({
    command: 'lint',
    target: { description: `${counts.length ? counts.join(', ') : 'no files to lint'} in ${opts.paths.join(' ')}` },
    started,
    durationMs: performance.now() - t0,
    findings: applied.findings,
    checks,
    ...(config.file ? { configFile: config.file } : {}),
    warnings,
  });
}

/** Marks findings an inline ignore covers; they stay in the report, suppressed, with the ignore's reason. */
function suppressInline(v: Verdict, rule: Rule, ignores: IgnoreIndex): Verdict {
  if (v.findings.length === 0) return v;
  const ids = ruleIds(rule.meta);
  const findings = v.findings.map((f): Finding => {
    const ig = ignores.find(ids, f.location?.line);
    if (!ig) return f;
    const reason = ig.reason ?? (ig.hadolint ? 'hadolint ignore pragma (no reason given)' : 'inline ignore without a reason');
    return { ...f, suppressed: { reason: `${reason} (${formatLocation(ig.at)})` } };
  });
  return { ...v, findings };
}

function unknownIgnores(spec: DockerfileSpec, known: ReadonlySet<string>): ReportWarning[] {
  return inlineIgnores(spec)
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
  return { ...v, findings: v.findings.map((f) => ({ ...f, message: redact(f.message), ...(f.evidence !== undefined ? { evidence: redact(f.evidence) } : {}) })) };
}
