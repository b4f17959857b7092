import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as v from 'valibot';
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Document } from 'yaml';
import type { Severity } from '../../models/finding.ts';
import type { Location } from '../../models/location.ts';
import { normalizeCapability } from '../../models/normalize.ts';
import type { Rule, SprawlLimits } from '../../models/rule.ts';
import { inBenchmark } from '../../models/rule-benchmark.ts';
import { DEFAULT_BENCHMARK, type Benchmark } from '../../models/cis-benchmark.ts';
import { MoatError, locatedMessage } from '../../util/errors.ts';
import { ConfigSchema, TOP_LEVEL_KEYS, RulesSectionSchema, IgnoreSchema, SignatureEntrySchema, type MoatConfigData } from './schema.ts';
import { resolveSignaturePolicy } from './trust-signatures.ts';
import type { SignaturePolicy } from '../signatures/policy.ts';
import { WatchIgnoreSchema, WatchSectionSchema, type WatchSectionData } from './watch-schema.ts';
import { didYouMean } from '../../util/suggest.ts';
import { defaultEnforceConfig, resolveEnforce, type EnforceConfig } from './enforce.ts';
import { EnforceAllowSchema, EnforceBuildSchema, EnforceExceptionSchema, EnforcePluginAllowSchema, EnforcePluginsSchema, EnforceSectionSchema } from './enforce-schema.ts';

/**
 * The YAML parser, loaded when a moat.yaml is there to read: it costs ~60 ms to load, and
 * most runs (a CI audit) have no moat.yaml. Synchronous, so config loading stays synchronous.
 */
function yaml(): typeof YamlModule {
  return createRequire(import.meta.url)('yaml') as typeof YamlModule;
}

export const CONFIG_NAMES = ['moat.yaml', 'moat.yml', '.moat.yaml', '.moat.yml'] as const;

/** A moat.yaml far larger than any real one is a mistake (or hostile); refuse before parsing. */
const MAX_BYTES = 1024 * 1024;

export interface Ignore {
  rule: string;
  subject?: string;
  reason: string;
  /** `YYYY-MM-DD`; the ignore holds through the end of that day (UTC). */
  expires?: string;
  at: Location;
}

/** moat.yaml as the rest of Moat sees it: validated, with every setting located. */
export interface MoatConfig {
  /** Absolute path of the file read; undefined when none was found (all defaults). */
  file?: string;
  /** The CIS benchmark version rules are numbered in: `--benchmark`, else moat.yaml's `benchmark:`, else the newest. */
  benchmark: Benchmark;
  /** Directory file paths in ignores are relative to (the file's, else the working directory). */
  dir: string;
  rules: {
    disable: string[];
    only: string[];
    severity: Map<string, { severity: Severity; at: Location }>;
  };
  ignores: Ignore[];
  trust: { registries: string[]; baseImages: string[]; signatures?: SignaturePolicy };
  /** Upper-case, without `CAP_`. */
  allowedCapabilities: string[];
  /** `images:`: settings of image rules; `maxAgeDays` absent when not set. */
  images: { maxAgeDays?: number };
  /** `sprawl:` (CIS 6.1, 6.2); absent when the file has none. */
  sprawl?: SprawlLimits;
  /** The policy `moat enforce` applies (defaults when the file has no `enforce:`). */
  enforce: EnforceConfig;
  /** moat.yaml's `watch:` section, as written (defaults are `moat watch`'s); absent when there is none. */
  watch?: WatchConfig;
}

export interface WatchIgnore {
  kind: 'finding' | 'exec' | 'drift' | 'oom' | 'restart-loop' | 'resource';
  container?: string;
  match?: string;
  reason: string;
  expires?: string;
  at: Location;
}

export type WatchConfig = Omit<WatchSectionData, 'ignore'> & { ignores: WatchIgnore[]; at: Location };

export function emptyConfig(dir: string, benchmark: Benchmark = DEFAULT_BENCHMARK): MoatConfig {
  return { dir, benchmark, rules: { disable: [], only: [], severity: new Map() }, ignores: [], trust: { registries: [], baseImages: [] }, allowedCapabilities: [], images: {}, enforce: defaultEnforceConfig() };
}

/** The first moat.yaml (or .yml, or a dot-file) in `cwd` or a directory above it. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // absent or unreadable here: keep looking upward
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export interface LoadOptions {
  cwd: string;
  /** `--config FILE`: read this file (it must exist) instead of searching. */
  file?: string;
  /** The rules ids are checked against (all rules, normally). */
  rules: readonly Rule[];
  /** `--benchmark`: wins over moat.yaml's `benchmark:`; CIS ids in the file are read in it. */
  benchmark?: Benchmark;
}

/**
 * Finds, reads and validates moat.yaml. Throws `MoatError('config')` with
 * `file:line:col: what is wrong` for anything it cannot accept.
 */
export function loadConfig(opts: LoadOptions): MoatConfig {
  const file = opts.file !== undefined ? resolve(opts.cwd, opts.file) : findConfigFile(opts.cwd);
  if (file === undefined) return emptyConfig(resolve(opts.cwd), opts.benchmark);
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_BYTES) throw new MoatError('config', `${file}: ${size} bytes is too large for a moat.yaml (limit ${MAX_BYTES}); is this the right file?`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MoatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message);
    throw new MoatError('config', `cannot read config ${file}: ${why}${opts.file !== undefined ? ' (given with --config)' : ''}`);
  }
  return parseConfig(text, file, opts.rules, opts.benchmark);
}

/** Parses moat.yaml text; `file` names it in messages and anchors relative paths. */
export function parseConfig(text: string, file: string, rules: readonly Rule[], benchmark?: Benchmark): MoatConfig {
  const { LineCounter, isMap, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.startsWith('\uFEFF') ? text.slice(1) : text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // Every scalar stays text: `5.10` is CIS 5.10, not the number 5.1, and no value changes type behind the user's back.
    schema: 'failsafe',
  });
  const at = (offset: number | undefined): Location => {
    if (offset === undefined) return { file };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const fail = (where: Location, message: string): never => {
    throw new MoatError('config', locatedMessage(file, where.line, where.column, message));
  };

  const yamlError = doc.errors[0];
  if (yamlError) fail(at(yamlError.pos[0]), `not valid YAML: ${yamlError.message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents)) fail(valueLocation(doc, [], at), 'moat.yaml must be a mapping of settings (version, rules, ignore, trust, capabilities)');
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    fail(at(0), `cannot be read: ${(e as Error).message}`);
  }

  const parsed = v.safeParse(ConfigSchema, data, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = (issue.path ?? []).map((p) => p.key as string | number);
    if (issue.type === 'strict_object' && issue.expected === 'never') {
      const key = String(path[path.length - 1]);
      fail(keyLocation(doc, path, at), `unknown key "${key}"${unknownKeyHint(path.slice(0, -1), key)}`);
    }
    fail(valueLocation(doc, path, at), `${path.length ? `${path.join('.')}: ` : ''}${issue.message}`);
  }
  return resolveConfig(parsed.success ? parsed.output : {}, file, doc, at, rules, fail, benchmark);
}

/** Checks rule references against the rules Moat has, so a typo is an error rather than an ignore that never matches. */
function resolveConfig(
  data: MoatConfigData,
  file: string,
  doc: Document,
  at: (offset: number | undefined) => Location,
  rules: readonly Rule[],
  fail: (where: Location, message: string) => never,
  benchmarkFlag: Benchmark | undefined,
): MoatConfig {
  const benchmark = benchmarkFlag ?? (data.benchmark as Benchmark | undefined) ?? DEFAULT_BENCHMARK;
  // CIS ids in the file (rules.only, ignores) are the chosen version's.
  rules = inBenchmark(rules, benchmark);
  const ids = new Set(rules.map((r) => r.meta.id));
  const cisIds = new Set(rules.flatMap((r) => (r.meta.cis ? [r.meta.cis.id] : [])));
  const isToken = (t: string): boolean => ids.has(t) || (/^\d+(\.\d+)*$/.test(t) && [...cisIds].some((c) => c === t || c.startsWith(`${t}.`)));
  const checkToken = (t: string, path: (string | number)[], what: string): void => {
    if (!isToken(t)) fail(valueLocation(doc, path, at), `unknown ${what} "${t}"${didYouMean(t, ids)}: use a rule id (moat rules lists them), a CIS id such as 5.5, or a section such as 5`);
  };

  const config = emptyConfig(dirname(file), benchmark);
  config.file = file;
  for (const [i, t] of (data.rules?.disable ?? []).entries()) checkToken(t, ['rules', 'disable', i], 'rule');
  for (const [i, t] of (data.rules?.only ?? []).entries()) checkToken(t, ['rules', 'only', i], 'rule');
  config.rules.disable = data.rules?.disable ?? [];
  config.rules.only = data.rules?.only ?? [];
  for (const [id, severity] of Object.entries(data.rules?.severity ?? {})) {
    if (!ids.has(id)) fail(keyLocation(doc, ['rules', 'severity', id], at), `unknown rule "${id}" in rules.severity${didYouMean(id, ids)} (severity overrides take rule ids)`);
    config.rules.severity.set(id, { severity, at: valueLocation(doc, ['rules', 'severity', id], at) });
  }
  for (const [i, ig] of (data.ignore ?? []).entries()) {
    if (!ids.has(ig.rule) && !cisIds.has(ig.rule)) fail(valueLocation(doc, ['ignore', i, 'rule'], at), `unknown rule "${ig.rule}" in ignore${didYouMean(ig.rule, ids)}: use a rule id or a CIS id`);
    config.ignores.push({ rule: ig.rule, subject: ig.subject, reason: ig.reason, expires: ig.expires, at: valueLocation(doc, ['ignore', i], at) });
  }
  config.trust.registries = data.trust?.registries ?? [];
  config.trust.baseImages = data.trust?.baseImages ?? [];
  if (data.trust?.signatures) config.trust.signatures = resolveSignaturePolicy(data.trust.signatures, dirname(file), (path) => valueLocation(doc, ['trust', 'signatures', ...path], at), fail);
  config.allowedCapabilities = (data.capabilities?.allowed ?? []).map(normalizeCapability);
  if (data.images?.maxAgeDays !== undefined) config.images.maxAgeDays = Number(data.images.maxAgeDays);
  if (data.sprawl) {
    const { maxUnusedImages, maxStoppedContainers } = data.sprawl;
    config.sprawl = { ...(maxUnusedImages !== undefined ? { maxUnusedImages: Number(maxUnusedImages) } : {}), ...(maxStoppedContainers !== undefined ? { maxStoppedContainers: Number(maxStoppedContainers) } : {}) };
  }
  if (data.enforce) config.enforce = resolveEnforce(data.enforce, rules, (path) => valueLocation(doc, path, at), fail);
  if (data.watch) {
    const { ignore = [], ...rest } = data.watch;
    config.watch = { ...rest, at: valueLocation(doc, ['watch'], at), ignores: ignore.map((ig, i) => ({ ...ig, at: valueLocation(doc, ['watch', 'ignore', i], at) })) };
  }
  return config;
}

function unknownKeyHint(parent: (string | number)[], key: string): string {
  const keysOf: Record<string, readonly string[]> = {
    '': TOP_LEVEL_KEYS,
    rules: Object.keys(RulesSectionSchema.entries),
    ignore: Object.keys(IgnoreSchema.entries),
    trust: ['registries', 'baseImages', 'signatures'],
    'trust.signatures': Object.keys(SignatureEntrySchema.entries),
    capabilities: ['allowed'],
    images: ['maxAgeDays'],
    sprawl: ['maxUnusedImages', 'maxStoppedContainers'],
    enforce: Object.keys(EnforceSectionSchema.entries),
    'enforce.exceptions': Object.keys(EnforceExceptionSchema.entries),
    'enforce.plugins': Object.keys(EnforcePluginsSchema.entries),
    'enforce.plugins.allow': Object.keys(EnforcePluginAllowSchema.entries),
    'enforce.build': Object.keys(EnforceBuildSchema.entries),
    'enforce.allow': Object.keys(EnforceAllowSchema.entries),
    watch: Object.keys(WatchSectionSchema.entries),
    'watch.ignore': Object.keys(WatchIgnoreSchema.entries),
  };
  // Sections nest one level in watch: (watch.ignore entries) and enforce: (enforce.exceptions); list indexes do not name a section.
  const named = parent.filter((p): p is string => typeof p === 'string');
  const nested = `${named[0] ?? ''}.${named[1] ?? ''}`;
  const deep = `${nested}.${named[2] ?? ''}`;
  const section = deep === 'enforce.plugins.allow' ? deep : ['watch.ignore', 'enforce.exceptions', 'enforce.plugins', 'enforce.build', 'enforce.allow', 'trust.signatures'].includes(nested) ? nested : (named[0] ?? '');
  const known = keysOf[section];
  if (!known) return '';
  const hint = didYouMean(key, known);
  return hint || ` (${parent.length === 0 ? 'top-level keys' : `keys of ${section}`}: ${known.join(', ')})`;
}

/** Position of the value at `path`, else of its nearest ancestor present in the document. */
function valueLocation(doc: Document, path: (string | number)[], at: (o: number | undefined) => Location): Location {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return at(range[0]);
  }
  return at(undefined);
}

/** Position of the key `path[-1]` in its mapping (for unknown keys). */
function keyLocation(doc: Document, path: (string | number)[], at: (o: number | undefined) => Location): Location {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  const { isMap, isScalar } = yaml();
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(key) && pair.key.range) return at(pair.key.range[0]);
    }
  }
  return valueLocation(doc, path, at);
}
