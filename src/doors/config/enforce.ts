import { severityRank, type Severity } from '../../models/finding.ts';
import { emptyHostObjectPolicy, type HostObjectPolicy } from '../../models/host-policy.ts';
import type { Location } from '../../models/location.ts';
import type { Rule } from '../../models/rule.ts';
import { SEVERITY_TOKEN, type EnforceSectionData } from './enforce-schema.ts';
import { didYouMean } from '../../util/suggest.ts';

/** A set of rules named by id or CIS id, and optionally every rule at or above a severity. */
export interface RuleChoice {
  ids: Set<string>;
  minSeverity?: Severity;
}

export interface EnforceException {
  /** Rule ids covered (CIS ids already resolved); empty = every rule. */
  rules: string[];
  image?: string;
  label?: string;
  user?: string;
  reason: string;
  expires?: string;
  at: Location;
}

// ---- plugins and build ----

export interface AllowedPlugin {
  name: string;
  digest?: string;
  reason: string;
  at: Location;
}

export interface BuildPolicy {
  /** Allowed `networkmode` values; undefined: judged by the container rules only. */
  networks?: string[];
  cgroupparent?: 'deny' | 'allow';
  extrahosts?: 'deny' | 'allow';
  at?: Location;
}

// ---- end of plugins and build ----

/** moat.yaml's `enforce:` as `moat enforce` applies it. */
export interface EnforceConfig {
  deny: RuleChoice;
  log: RuleChoice;
  exceptions: EnforceException[];
  unjudged: 'deny' | 'allow';
  /** Plugins that may be installed and enabled (empty: none may be installed). */
  plugins: AllowedPlugin[];
  build: BuildPolicy;
  /** Host objects allowed (`enforce.allow`); the rules read it from the facts, in enforce and audit alike. */
  allow: HostObjectPolicy;
  /** Where the section is (absent: no section, all defaults). */
  at?: Location;
}

/** Without a policy, findings of high or critical severity deny and everything else is logged. */
export function defaultEnforceConfig(): EnforceConfig {
  return { deny: { ids: new Set(), minSeverity: 'high' }, log: { ids: new Set() }, exceptions: [], unjudged: 'deny', plugins: [], build: {}, allow: emptyHostObjectPolicy() };
}

type Path = (string | number)[];

/**
 * Turns the validated section into rule ids, failing (located) on a token that names no
 * rule, a rule both denied and logged, a severity threshold in `log`, or an exception that
 * names nobody.
 */
export function resolveEnforce(data: EnforceSectionData, rules: readonly Rule[], locate: (path: Path) => Location, fail: (where: Location, message: string) => never): EnforceConfig {
  const out = defaultEnforceConfig();
  out.at = locate(['enforce']);
  const ids = rules.map((r) => r.meta.id);
  const byToken = (t: string): string[] =>
    rules.filter((r) => r.meta.id === t || (/^\d+(\.\d+)*$/.test(t) && r.meta.cis !== undefined && (r.meta.cis.id === t || r.meta.cis.id.startsWith(`${t}.`)))).map((r) => r.meta.id);
  const choose = (tokens: readonly string[], key: 'deny' | 'log'): RuleChoice => {
    const choice: RuleChoice = { ids: new Set() };
    for (const [i, t] of tokens.entries()) {
      const sev = SEVERITY_TOKEN.exec(t.replace(/\s+/g, ' '))?.[1] as Severity | undefined;
      if (sev) {
        if (key === 'log') fail(locate(['enforce', key, i]), `enforce.log takes rule ids and CIS ids, not "${t}": every finding that does not deny is logged`);
        if (choice.minSeverity === undefined || severityRank(sev) < severityRank(choice.minSeverity)) choice.minSeverity = sev;
        continue;
      }
      const hits = byToken(t);
      if (hits.length === 0) fail(locate(['enforce', key, i]), `unknown rule "${t}" in enforce.${key}${didYouMean(t, ids)}: use a rule id (moat rules lists them), a CIS id such as 5.5, a section such as 5, or "severity >= high"`);
      for (const h of hits) choice.ids.add(h);
    }
    return choice;
  };
  if (data.deny) out.deny = choose(data.deny, 'deny');
  if (data.log) out.log = choose(data.log, 'log');
  for (const [i, t] of (data.log ?? []).entries()) {
    const both = byToken(t).filter((id) => out.deny.ids.has(id));
    if (both.length) fail(locate(['enforce', 'log', i]), `${both.join(', ')} is both in enforce.deny and enforce.log: keep it in one`);
  }
  for (const [i, ex] of (data.exceptions ?? []).entries()) {
    if (ex.image === undefined && ex.label === undefined && ex.user === undefined) {
      fail(locate(['enforce', 'exceptions', i]), 'an exception must name an image, a label or a user it applies to (with rules to narrow it)');
    }
    const covered: string[] = [];
    for (const [j, t] of (ex.rules ?? []).entries()) {
      const hits = byToken(t);
      if (hits.length === 0) fail(locate(['enforce', 'exceptions', i, 'rules', j]), `unknown rule "${t}" in an exception${didYouMean(t, ids)}: use a rule id or a CIS id`);
      covered.push(...hits);
    }
    if (ex.label !== undefined && /^=|^\s/.test(ex.label)) fail(locate(['enforce', 'exceptions', i, 'label']), `label "${ex.label}" must be KEY or KEY=VALUE`);
    out.exceptions.push({
      rules: [...new Set(covered)],
      ...(ex.image !== undefined ? { image: ex.image } : {}),
      ...(ex.label !== undefined ? { label: ex.label } : {}),
      ...(ex.user !== undefined ? { user: ex.user } : {}),
      reason: ex.reason,
      ...(ex.expires !== undefined ? { expires: ex.expires } : {}),
      at: locate(['enforce', 'exceptions', i]),
    });
  }
  if (data.unjudged) out.unjudged = data.unjudged;
  for (const [i, p] of (data.plugins?.allow ?? []).entries()) {
    out.plugins.push({ name: p.name, ...(p.digest !== undefined ? { digest: p.digest } : {}), reason: p.reason, at: locate(['enforce', 'plugins', 'allow', i]) });
  }
  if (data.build) {
    out.build = { at: locate(['enforce', 'build']) };
    if (data.build.networks) out.build.networks = data.build.networks;
    if (data.build.cgroupparent) out.build.cgroupparent = data.build.cgroupparent;
    if (data.build.extrahosts) out.build.extrahosts = data.build.extrahosts;
  }
  const a = data.allow;
  if (a) {
    out.allow = {
      volumeTypes: a['volume-types'] ?? [],
      volumeDevices: a['volume-devices'] ?? [],
      devices: a.devices ?? [],
      deviceCgroupRules: a['device-cgroup-rules'] ?? [],
      systemPaths: a.systempaths === 'allow',
    };
  }
  return out;
}
