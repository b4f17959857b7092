/**
 * The run-line door: `docker run` / `docker create` argv → ContainerSpec, read the way the
 * docker CLI (pflag, interspersed flags off) reads it, each field located at the word of
 * the flag that set it.
 */
import { posix } from 'node:path';
import type { ContainerField, ContainerSpec } from '../../models/container-spec.ts';
import type { Location } from '../../models/location.ts';
import { formatLocation } from '../../models/location.ts';
import { withLocalVolumeBinds } from '../../models/local-volume.ts';
import { applyClientSecurityOpts } from '../common/security-files.ts';
import { normalizeCapability, parseSecurityOpts } from '../../models/normalize.ts';
import { MoatError } from '../../util/errors.ts';
import { blankSpec, type DoorWarning } from '../common/spec.ts';
import {
  ValueError, parseBytes, parseDeviceSpec, parseInteger, parseMountSpec, parseNanoCpus, parsePortSpec, parseRestartSpec, parseSwap,
  parseUlimitSpec, parseVolumeSpec, splitKeyValue,
} from '../common/values.ts';
import { locateUnset } from '../common/where.ts';
import { BY_LONG, BY_SHORT, GLOBAL_FLAGS, type FlagDef } from './flags.ts';

export interface RunArgsOptions {
  /** File the words came from, for locations and the spec id. */
  file?: string;
  /** Location of each word of argv (same indexes); without it words are located by index. */
  positions?: readonly (Location | undefined)[];
  /** Shell variables each word depends on (`$HOME` in `-v $HOME:/h`): those words are read literally and reported. */
  expansions?: readonly (readonly string[] | undefined)[];
  /** Directory `-v ./rel:/x` is resolved against (the CLI uses its working directory); without it relative sources stay relative. */
  cwd?: string;
  /** Environment `-e NAME` (no value) is resolved from, as the CLI does; without it such entries stay `NAME`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunSpec {
  spec: ContainerSpec;
  /** 'run' or 'create'. */
  verb: 'run' | 'create';
  /** The command after the image (`sh -c ...`). */
  command: string[];
  /** Fields the line set (the rest of `spec.where` points at the `docker` word). */
  set: ContainerField[];
  warnings: DoorWarning[];
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const NETWORK_MODES_WITHOUT_NETWORKS = /^container:/;

interface Word {
  text: string;
  at: Location;
  vars: readonly string[];
}

/**
 * Reads `docker [global options] (run|create|container run|container create) [options] IMAGE [COMMAND...]`;
 * `argv` may also start at `run`/`create`. Throws MoatError('config') located at the
 * offending word for anything the CLI would reject (unknown flag, missing value, bad
 * port, volume, size...).
 */
export function containerFromRunArgs(argv: readonly string[], opts: RunArgsOptions = {}): RunSpec {
  const words: Word[] = argv.map((text, i) => ({ text, at: opts.positions?.[i] ?? { ...(opts.file ? { file: opts.file } : {}), path: `argv[${i}]` }, vars: opts.expansions?.[i] ?? [] }));
  const fail = (w: Word | undefined, message: string): never => {
    const where = w ? formatLocation(w.at) : opts.file ?? 'argv';
    throw new MoatError('config', `${where}: ${message}`);
  };
  let i = 0;
  const start = words[0];
  if (!start) fail(undefined, 'empty command line: expected docker run ...');
  if (/(^|\/)docker$/.test(words[0]?.text ?? '')) {
    i = 1;
    i = skipGlobalFlags(words, i, fail);
  }
  let verb: 'run' | 'create';
  const w0 = words[i]?.text;
  if (w0 === 'container') i++;
  const v = words[i]?.text;
  if (v === 'run' || v === 'create') verb = v;
  else return fail(words[i] ?? words[i - 1], `expected "run" or "create" here, found ${v === undefined ? 'the end of the line' : `"${v}"`}`);
  i++;

  const declared = start?.at ?? {};
  const spec = blankSpec('run', opts.file ? `${formatLocation(declared)}` : 'argv', '');
  spec.namespaces.network = 'default';
  spec.restartPolicy = { name: 'no', maxRetries: 0 };
  const warnings: DoorWarning[] = [];
  const ctx = new RunContext(spec, warnings, opts);

  for (; i < words.length; i++) {
    const w = words[i] as Word;
    const t = w.text;
    if (t === '--') {
      i++;
      break;
    }
    if (!t.startsWith('-') || t === '-') break;
    if (w.vars.length && /^-[^=]*\$/.test(t)) fail(w, `the flag name in "${t}" comes from ${w.vars.map((x) => `$${x}`).join(', ')}: Moat cannot tell which flag it is`);
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      const def = BY_LONG.get(name);
      if (!def) fail(w, `unknown flag --${name} for docker ${verb} (see docker ${verb} --help)`);
      const d = def as FlagDef;
      if (d.runOnly && verb === 'create') fail(w, `--${name} is a docker run flag; docker create rejects it`);
      if (d.kind === 'bool') {
        ctx.apply(d, eq < 0 ? 'true' : t.slice(eq + 1), w, w);
      } else if (eq >= 0) ctx.apply(d, t.slice(eq + 1), w, w);
      else {
        const next = words[i + 1];
        if (!next) fail(w, `flag --${name} needs a value`);
        ctx.apply(d, (next as Word).text, w, next as Word);
        i++;
      }
      continue;
    }
    // Shorthands: `-itd`, `-p80:80`, `-p 80:80`, `-e=X=1`, `-d=false`.
    for (let j = 1; j < t.length; j++) {
      const c = t[j] as string;
      const def = BY_SHORT.get(c);
      if (!def) fail(w, `unknown shorthand flag '${c}' in ${t} for docker ${verb}`);
      const d = def as FlagDef;
      if (d.runOnly && verb === 'create') fail(w, `-${c} is a docker run flag; docker create rejects it`);
      const rest = t.slice(j + 1);
      if (rest.startsWith('=')) {
        ctx.apply(d, rest.slice(1), w, w);
        break;
      }
      if (d.kind === 'bool') {
        ctx.apply(d, 'true', w, w);
        continue;
      }
      if (rest !== '') ctx.apply(d, rest, w, w);
      else {
        const next = words[i + 1];
        if (!next) fail(w, `flag -${c} needs a value`);
        ctx.apply(d, (next as Word).text, w, next as Word);
        i++;
      }
      break;
    }
  }
  const image = words[i];
  if (!image) fail(words[words.length - 1], `docker ${verb} needs an image after its options`);
  const img = image as Word;
  if (img.vars.length) warnings.push({ message: `the image "${img.text}" depends on ${img.vars.map((x) => `$${x}`).join(', ')}, read literally`, at: img.at });
  spec.image = img.text;
  spec.where.image = img.at;
  ctx.finish();
  const set = Object.keys(spec.where) as ContainerField[];
  locateUnset(spec, declared);
  return { spec, verb, command: words.slice(i + 1).map((x) => x.text), set, warnings };
}

function skipGlobalFlags(words: Word[], i: number, fail: (w: Word | undefined, m: string) => never): number {
  for (; i < words.length; i++) {
    const t = (words[i] as Word).text;
    if (!t.startsWith('-')) return i;
    const long = t.startsWith('--');
    const name = long ? t.slice(2).split('=')[0] : t.slice(1, 2);
    const def = GLOBAL_FLAGS.find((f) => (long ? f.long === name : f.short === name));
    if (!def) fail(words[i], `unknown docker option ${t} before the command`);
    if (def?.kind === 'value' && !t.includes('=') && (long || t.length === 2)) i++;
  }
  return i;
}

class RunContext {
  private readonly spec: ContainerSpec;
  private readonly warnings: DoorWarning[];
  private readonly opts: RunArgsOptions;
  private readonly securityOpts: string[] = [];
  private readonly ulimits = new Map<string, ContainerSpec['resources']['ulimits'][number]>();
  private healthCmd?: { cmd: string; at: Location };
  private noHealthcheck?: Location;
  private networkSet = false;

  constructor(spec: ContainerSpec, warnings: DoorWarning[], opts: RunArgsOptions) {
    this.spec = spec;
    this.warnings = warnings;
    this.opts = opts;
  }

  private set(field: ContainerField, at: Location): void {
    this.spec.where[field] = at;
  }

  apply(def: FlagDef, value: string, flag: Word, valueWord: Word): void {
    const at = flag.at;
    if (valueWord.vars.length) {
      const vars = valueWord.vars.map((x) => `$${x}`).join(', ');
      if (def.kind === 'bool') throw new MoatError('config', `${formatLocation(at)}: the value of --${def.long} comes from ${vars}: Moat cannot tell whether it is on`);
      this.warnings.push({ message: `the value of --${def.long} depends on ${vars}, read literally as "${value}"`, at: valueWord.at });
    }
    try {
      this.applyValue(def, value, at);
    } catch (e) {
      if (e instanceof ValueError) throw new MoatError('config', `${formatLocation(valueWord.at)}: --${def.long}: ${e.message}`);
      throw e;
    }
  }

  private bool(def: FlagDef, value: string): boolean {
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    throw new ValueError(`invalid boolean "${value}" (true or false)`);
  }

  private applyValue(def: FlagDef, value: string, at: Location): void {
    const s = this.spec;
    switch (def.long) {
      case 'privileged':
        s.privileged = this.bool(def, value);
        return this.set('privileged', at);
      case 'read-only':
        s.readOnlyRootfs = this.bool(def, value);
        return this.set('readOnlyRootfs', at);
      case 'publish-all':
        s.publishAllPorts = this.bool(def, value);
        return this.set('publishAllPorts', at);
      case 'no-healthcheck':
        if (this.bool(def, value)) this.noHealthcheck = at;
        return;
      case 'use-api-socket':
        // CLI 28 bind-mounts the engine socket (and the caller's credentials) into the container.
        if (this.bool(def, value)) {
          s.mounts.push({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false, at });
          this.set('mounts', at);
        }
        return;
      case 'cap-add':
      case 'cap-drop': {
        const cap = normalizeCapability(value);
        if (!/^[A-Z_0-9]+$/.test(cap)) throw new ValueError(`"${value}" is not a capability name (e.g. NET_BIND_SERVICE or ALL; one per flag)`);
        const list = def.long === 'cap-add' ? s.capAdd : s.capDrop;
        if (!list.includes(cap)) list.push(cap);
        return this.set(def.long === 'cap-add' ? 'capAdd' : 'capDrop', at);
      }
      case 'security-opt':
        if (!/^[a-zA-Z-]+([=:].*)?$/s.test(value)) throw new ValueError(`invalid security option "${value}" (e.g. no-new-privileges, seccomp=unconfined, apparmor=PROFILE, label=...)`);
        this.securityOpts.push(value);
        this.set('security', at);
        for (const [re, field] of [[/^seccomp/, 'security.seccomp'], [/^apparmor/, 'security.apparmor'], [/^no-new-privileges/, 'security.noNewPrivileges']] as const) {
          if (re.test(value)) this.set(field, at);
        }
        if (/^label[=:]disable$/.test(value)) this.set('security.selinuxDisabled', at);
        else if (/^label/.test(value)) this.set('security.selinuxLabels', at);
        return;
      case 'user':
        s.user = value;
        return this.set('user', at);
      case 'pid':
      case 'ipc':
      case 'uts':
      case 'userns':
      case 'cgroupns': {
        const key = def.long === 'cgroupns' ? 'cgroupns' : def.long;
        s.namespaces[key] = value;
        return this.set(`namespaces.${key}`, at);
      }
      case 'network':
      case 'net': {
        // `--network name=mynet,alias=x` (advanced syntax) or a plain name/mode; the first names the mode.
        const name = value.includes('=') ? (value.split(',').map((p) => splitKeyValue(p)).find(([k]) => k === 'name')?.[1] ?? '') : value;
        if (name === '') throw new ValueError(`"${value}" names no network (name=NETWORK,...)`);
        if (!this.networkSet) {
          s.namespaces.network = name;
          this.networkSet = true;
          this.set('namespaces.network', at);
        }
        if (!NETWORK_MODES_WITHOUT_NETWORKS.test(name) && !s.networks.includes(name)) s.networks.push(name === 'default' ? 'bridge' : name);
        return this.set('networks', at);
      }
      case 'volume': {
        // A source from the shell (`$PWD:/src`, `~/x`) is a host path once expanded: a bind whose path is unknown here.
        const m = parseVolumeSpec(value, (src) => /^[/.~$]/.test(src));
        if (m.type === 'bind' && m.source.startsWith('.')) {
          if (this.opts.cwd) m.source = posix.resolve(this.opts.cwd, m.source);
          else this.warnings.push({ message: `the bind source ${m.source} is relative to the directory docker runs in, unknown here`, at });
        }
        s.mounts.push({ ...m, at });
        return this.set('mounts', at);
      }
      case 'mount':
        s.mounts.push({ ...parseMountSpec(value), at });
        return this.set('mounts', at);
      case 'tmpfs': {
        const [target = '', options = ''] = value.split(/:(.*)/s);
        if (!target.startsWith('/')) throw new ValueError(`the tmpfs target "${target}" is not an absolute path`);
        s.mounts.push({ type: 'tmpfs', source: '', target, readOnly: options.split(',').includes('ro'), at });
        return this.set('mounts', at);
      }
      case 'device':
        if (/^[a-z0-9.-]+\/[a-zA-Z0-9._-]+=/.test(value)) {
          this.warnings.push({ message: `--device ${value} is a CDI device: which host devices it exposes is decided by the CDI spec on the host`, at });
          return;
        }
        s.devices.push({ ...parseDeviceSpec(value), at });
        return this.set('devices', at);
      case 'device-cgroup-rule':
        if (!/^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$/.test(value)) throw new ValueError(`invalid device cgroup rule "${value}" (e.g. "c 1:3 rwm")`);
        s.deviceCgroupRules.push(value);
        return this.set('deviceCgroupRules', at);
      case 'publish':
        s.ports.push(...parsePortSpec(value).map((p) => ({ ...p, at })));
        return this.set('ports', at);
      case 'memory':
        s.resources.memory = parseBytes(value);
        return this.set('resources.memory', at);
      case 'memory-swap':
        s.resources.memorySwap = parseSwap(value);
        return this.set('resources.memorySwap', at);
      case 'cpu-shares':
        s.resources.cpuShares = parseInteger(value, 'CPU shares');
        return this.set('resources.cpuShares', at);
      case 'cpus':
        s.resources.nanoCpus = parseNanoCpus(value);
        return this.set('resources.nanoCpus', at);
      case 'cpu-quota':
        s.resources.cpuQuota = parseInteger(value, 'CPU quota');
        return this.set('resources.cpuQuota', at);
      case 'cpuset-cpus':
        s.resources.cpusetCpus = value;
        return this.set('resources.cpusetCpus', at);
      case 'pids-limit':
        s.resources.pidsLimit = parseInteger(value, 'PIDs limit');
        return this.set('resources.pidsLimit', at);
      case 'ulimit': {
        const u = parseUlimitSpec(value);
        this.ulimits.set(u.name, { ...u, at });
        return this.set('resources.ulimits', at);
      }
      case 'restart':
        s.restartPolicy = parseRestartSpec(value);
        return this.set('restartPolicy', at);
      case 'health-cmd':
        this.healthCmd = { cmd: value, at };
        return;
      case 'cgroup-parent':
        s.cgroupParent = value;
        return this.set('cgroupParent', at);
      case 'env': {
        const [k, val] = splitKeyValue(value);
        if (k === '') throw new ValueError(`invalid environment variable "${value}"`);
        const fromEnv = val === undefined ? this.opts.env?.[k] : undefined;
        s.env.push(val !== undefined ? value : fromEnv !== undefined ? `${k}=${fromEnv}` : k);
        if (val !== undefined) (s.envWritten ??= {})[k] = at;
        return this.set('env', at);
      }
      case 'label': {
        const [k, val] = splitKeyValue(value);
        if (k === '') throw new ValueError(`invalid label "${value}"`);
        s.labels[k] = val ?? '';
        return this.set('labels', at);
      }
      case 'sysctl': {
        const [k, val] = splitKeyValue(value);
        if (k === '' || val === undefined) throw new ValueError(`invalid sysctl "${value}" (expected name=value)`);
        (s.sysctls ??= {})[k] = val;
        return this.set('sysctls', at);
      }
      case 'name':
        s.name = value;
        return;
      case 'env-file':
      case 'label-file':
        this.warnings.push({ message: `--${def.long} ${value} is not read: the ${def.long === 'env-file' ? 'variables' : 'labels'} in it are not checked`, at });
        return;
      case 'volumes-from':
        this.warnings.push({ message: `--volumes-from ${value}: the mounts of that container are inherited and not known here`, at });
        return;
      case 'gpus':
        this.warnings.push({ message: `--gpus ${value} exposes GPU devices through the runtime; they are not listed as devices`, at });
        return;
      default:
        if (def.kind === 'bool') this.bool(def, value);
        return;
    }
  }

  /** Settles what depends on several flags (health check, security options, ulimits). */
  finish(): void {
    const s = this.spec;
    if (this.noHealthcheck && this.healthCmd) {
      throw new MoatError('config', `${formatLocation(this.noHealthcheck)}: --no-healthcheck conflicts with --health-cmd (the CLI rejects both together)`);
    }
    if (this.noHealthcheck) {
      s.healthcheck = { test: ['NONE'], disabled: true };
      this.set('healthcheck', this.noHealthcheck);
    } else if (this.healthCmd) {
      s.healthcheck = { test: ['CMD-SHELL', this.healthCmd.cmd], disabled: false };
      this.set('healthcheck', this.healthCmd.at);
    }
    s.security = parseSecurityOpts(this.securityOpts);
    applyClientSecurityOpts(s, this.securityOpts, this.opts.cwd, s.where.security, this.warnings);
    s.mounts = withLocalVolumeBinds(s.mounts);
    s.resources.ulimits = [...this.ulimits.values()];
    if (s.networks.length === 0 && !NETWORK_MODES_WITHOUT_NETWORKS.test(s.namespaces.network ?? '')) s.networks.push('bridge');
  }
}
