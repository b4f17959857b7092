import type { DockerfileSpec, Instruction, ShellCommand, ShellWord } from '../../../../models/dockerfile-spec.ts';
import type { Issue } from '../../../../models/rule.ts';
import { cacheMountTargets } from './packages.ts';
import { evidenceOf, executable, hasOption, operands, type Found, runCommands } from './query.ts';

/** One RPM-family package manager as the rules need to know it. */
export interface Manager {
  names: readonly string[];
  /** Subcommands that download packages (and so fill the cache). */
  installs: readonly string[];
  /** Options that answer yes. */
  yes: readonly string[];
  /** The command (after its name) that empties the cache: `clean all`, `cc`. */
  cleans: readonly (readonly string[])[];
  /** Directories whose removal or cache mount also counts as cleaning. */
  cacheDirs: readonly string[];
}

export const YUM: Manager = { names: ['yum'], installs: ['install'], yes: ['y', 'assumeyes'], cleans: [['clean', 'all']], cacheDirs: ['/var/cache/yum'] };
export const DNF: Manager = {
  names: ['dnf', 'microdnf'],
  installs: ['install', 'in', 'upgrade', 'up', 'upgrade-minimal', 'up-min', 'reinstall', 'rei'],
  yes: ['y', 'assumeyes'],
  cleans: [['clean', 'all']],
  cacheDirs: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
};
export const ZYPPER: Manager = { names: ['zypper'], installs: ['install', 'in'], yes: ['n', 'non-interactive', 'y', 'no-confirm'], cleans: [['clean'], ['cc']], cacheDirs: ['/var/cache/zypp'] };

export function isInstall(m: Manager, c: ShellCommand, subs: readonly string[] = m.installs): boolean {
  return m.names.includes(c.name) && subs.includes(operands(c)[0]?.value ?? '');
}

/** Installs without an option that answers yes. */
export function withoutYes(spec: DockerfileSpec, m: Manager, subs: readonly string[] = ['install', 'in']): Issue[] {
  return runCommands(spec, ...m.names)
    .filter((f) => isInstall(m, f.command, subs) && !hasOption(f.command, ...m.yes))
    .map((f) => ({ message: `${f.command.name} ${operands(f.command)[0]?.value} without ${m.yes.length > 2 ? '-n/-y' : '-y'}`, at: f.command.at, evidence: evidenceOf(f.command.text) }));
}

/** Installs whose RUN does not clean the cache afterwards (or mount it). */
export function cacheLeft(spec: DockerfileSpec, m: Manager): Issue[] {
  const out: Issue[] = [];
  for (const i of executable(spec, 'RUN')) {
    const cmds = i.shell?.commands ?? [];
    const install = cmds.find((c) => isInstall(m, c));
    if (!install || mounted(i, m)) continue;
    const cleaned = cmds.some((c) => c.index > install.index && (cleans(m, c, install.name) || (c.name === 'rm' && operands(c).some((w) => m.cacheDirs.some((d) => w.value.startsWith(d))))));
    if (!cleaned) out.push({ message: `${install.name} ${operands(install)[0]?.value} without cleaning its cache afterwards in the same RUN`, at: install.at, evidence: evidenceOf(install.text) });
  }
  return out;
}

/** `dnf clean all` cleans dnf's cache, not microdnf's: the same program must clean. */
function cleans(m: Manager, c: ShellCommand, installer: string): boolean {
  if (c.name !== installer) return false;
  const ops = operands(c).map((w) => w.value);
  return m.cleans.some((seq) => seq.every((s, k) => ops[k] === s));
}

function mounted(i: Instruction, m: Manager): boolean {
  const targets = cacheMountTargets(i.flags);
  return m.cacheDirs.some((d) => targets.includes(d));
}

/**
 * Packages named on an install (after the subcommand; `module install` and `group install`
 * handled), with the stage's variables so `git-core-${version}` counts as pinned when
 * `version` is defined.
 */
export function installedPackages(f: Found, m: Manager): { words: ShellWord[]; module: boolean } | undefined {
  const ops = operands(f.command);
  const first = ops[0]?.value;
  if (first === 'group' || first === 'groupinstall') return undefined;
  if (first === 'module' && ops[1]?.value === 'install') return { words: ops.slice(2), module: true };
  if (!isInstall(m, f.command, ['install', 'in'])) return undefined;
  return { words: ops.slice(1), module: false };
}

/**
 * Variables each instruction can see: ARGs anywhere (as hadolint counts them) and ENVs of
 * its stage and the stages it is built on. Built once per file, looked up per stage.
 */
export function variableScopes(spec: DockerfileSpec): (i: Instruction) => ReadonlySet<string> {
  const keys = (list: readonly Instruction[], keyword: string): string[] => list.flatMap((e) => (e.keyword === keyword ? (e.pairs ?? []).map((p) => p.key) : []));
  const args = keys(spec.instructions, 'ARG');
  const byStage = new Map<number, ReadonlySet<string>>();
  const scope = (stage: number): ReadonlySet<string> => {
    let out = byStage.get(stage);
    if (out) return out;
    const set = new Set(args);
    const seen = new Set<number>();
    for (let s = spec.stages[stage]; s && !seen.has(s.index); s = s.base.stage !== undefined ? spec.stages[s.base.stage] : undefined) {
      seen.add(s.index);
      for (const k of keys(s.instructions, 'ENV')) set.add(k);
    }
    if (stage < 0) for (const k of keys(spec.instructions, 'ENV')) set.add(k);
    byStage.set(stage, (out = set));
    return out;
  };
  return (i) => scope(i.stage);
}

/** `$x`/`${x}` references in a word, all of them known. */
export function variablesKnown(word: string, known: ReadonlySet<string>): boolean {
  const refs = [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
  return refs.length > 0 && refs.every((r) => known.has(r));
}

export function unpinnedRpm(spec: DockerfileSpec, m: Manager, pinned: (w: string) => boolean): Issue[] {
  const out: Issue[] = [];
  const scopeOf = variableScopes(spec);
  for (const f of runCommands(spec, ...m.names)) {
    const pk = installedPackages(f, m);
    if (!pk) continue;
    const known = scopeOf(f.instruction);
    const loose = pk.words.filter((w) => !(pk.module ? w.value.includes(':') : pinned(w.value)) && !variablesKnown(w.value, known));
    if (loose.length) out.push({ message: `${f.command.name} ${pk.module ? 'module ' : ''}install without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) });
  }
  return out;
}

/** `name-1.2`, `openssl-1:1.1.1k`: a dash then a version (an epoch is allowed). */
export const rpmVersioned = (w: string): boolean => /-(\d+:)?\d[\w.+~^-]*$/.test(w) || w.endsWith('.rpm');
