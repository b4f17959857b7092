/**
 * The compose door: a compose file (with its `.env`, `include`d files and `extends`d
 * services) → one ContainerSpec per service, as `docker compose up` would create them.
 * File reads are read-only, bounded in size and depth, and confined to regular files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, posix, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { ContainerField, ContainerSpec, VolumeDriverSpec } from '../../models/container-spec.ts';
import type { Location } from '../../models/location.ts';
import { MoatError, locatedMessage } from '../../util/errors.ts';
import type { DoorWarning } from '../common/spec.ts';
import { ValueError } from '../common/values.ts';
import { interpolate, InterpolationLimit } from './interpolate.ts';
import { fromVersion1, isVersion1 } from './v1.ts';
import { keyValues, serviceToSpec, type ProjectNames } from './service.ts';
import { describe, expectMap, loadYaml, locatedError, type LMap, type LNode } from './yaml-tree.ts';

export interface ComposeOptions {
  /** Path of the compose file (for locations, and the base of relative paths). */
  file: string;
  /** Variables for interpolation; they override the project's `.env`, as the shell's environment does in compose. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Project directory (where `.env` is read, relative paths resolve); default: the file's directory. */
  cwd?: string;
  /** `--profile` values: services with `profiles:` run only when one is selected. Default: every service. */
  profiles?: readonly string[];
  /** Project name; default: top-level `name:`, then COMPOSE_PROJECT_NAME, then the project directory's name. */
  projectName?: string;
}

export interface ComposeResult {
  project: string;
  /** One per active service, in file order (included files' services first). */
  specs: ContainerSpec[];
  /** Per service name, the fields its definition set (the others point at the service key). */
  set: Record<string, ContainerField[]>;
  warnings: DoorWarning[];
  /** Top-level `networks:` as written, by key, with the engine-side name (read by networks.ts). */
  networkDefs: Array<{ key: string; name: string; def?: LNode }>;
}

const TOP_KEYS = new Set(['version', 'name', 'include', 'services', 'networks', 'volumes', 'configs', 'secrets', 'models']);
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_FILES = 64;
const KEY_VALUE_KEYS = new Set(['environment', 'labels', 'sysctls', 'annotations', 'extra_hosts']);
const BY_TARGET_KEYS = new Set(['volumes', 'devices']);
const REPLACE_KEYS = new Set(['command', 'entrypoint']);

interface Loaded {
  tree: LMap;
  file: string;
}

class Loader {
  readonly warnings: DoorWarning[] = [];
  readonly vars: Readonly<Record<string, string | undefined>>;
  private readonly cache = new Map<string, Loaded>();
  private reads = 0;
  constructor(vars: Readonly<Record<string, string | undefined>>) {
    this.vars = vars;
  }

  parse(text: string, file: string): Loaded {
    const read = expectMap(loadYaml(text, file, dirname(resolve(file)), { vars: this.vars, warnings: this.warnings }), 'a compose file');
    const tree = isVersion1(read) ? fromVersion1(read, this.warnings) : read;
    const loaded = { tree, file };
    this.cache.set(resolve(file), loaded);
    return loaded;
  }

  /** Reads another file of the project (`include`, `extends.file`), relative to the file naming it. */
  load(path: string, from: Location, baseDir: string): Loaded {
    const full = resolve(baseDir, path);
    const cached = this.cache.get(full);
    if (cached) return cached;
    if (++this.reads > MAX_FILES) throw locatedError(from, `more than ${MAX_FILES} compose files are included or extended: is there a loop?`);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw locatedError(from, `${path} does not exist (resolved to ${full})`);
    }
    if (!st.isFile()) throw locatedError(from, `${full} is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw locatedError(from, `${full} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: not a compose file`);
    return this.parse(readFileSync(full, 'utf8'), full);
  }
}

/** Reads the project's `.env` (compose interpolates its values with the variables before them). */
function readDotenv(dir: string, shell: Readonly<Record<string, string | undefined>>, warnings: DoorWarning[], shown: string): Record<string, string> {
  const file = posix.join(dir, '.env');
  if (!existsSync(file) || !statSync(file).isFile() || statSync(file).size > MAX_FILE_BYTES) return {};
  const out: Record<string, string> = {};
  const text = readFileSync(file, 'utf8');
  const vars: Record<string, string | undefined> = { ...shell };
  for (const [k, v] of Object.entries(parseDotenv(text))) {
    try {
      out[k] = interpolate(v, vars).value;
      // The shell's environment wins over .env, as in compose.
      if (shell[k] === undefined) vars[k] = out[k];
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      if (e instanceof InterpolationLimit) throw new MoatError('config', locatedMessage(shown, dotenvLine(text, k), undefined, `${k}: ${e.message}`));
      warnings.push({ message: `${k}: ${e.message}; kept as written`, at: { file: shown, ...(dotenvLine(text, k) !== undefined ? { line: dotenvLine(text, k) } : {}) } });
      out[k] = v;
      if (shell[k] === undefined) vars[k] = v;
    }
  }
  return out;
}

/** The line of `.env` that sets `key` (dotenv does not say). */
function dotenvLine(text: string, key: string): number | undefined {
  const re = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${key.replace(/[^A-Za-z0-9_]/g, '\\$&')}[ \\t]*[=:]`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}

export function containersFromCompose(text: string, opts: ComposeOptions): ComposeResult {
  const dir = opts.cwd ?? dirname(resolve(opts.file));
  const shell = opts.env ?? {};
  const early: DoorWarning[] = [];
  // Paths in messages as the caller names the compose file (relative stays relative).
  const shownEnv = opts.cwd === undefined || resolve(opts.cwd) === dirname(resolve(opts.file)) ? posix.join(dirname(opts.file), '.env') : posix.join(dir, '.env');
  const vars = { ...readDotenv(dir, shell, early, shownEnv), ...Object.fromEntries(Object.entries(shell).filter(([, v]) => v !== undefined)) };
  const loader = new Loader(vars);
  loader.warnings.push(...early);
  const root = loader.parse(text, opts.file);
  for (const [k, v] of root.tree.entries) {
    if (!TOP_KEYS.has(k) && !k.startsWith('x-')) loader.warnings.push({ message: `unknown top-level key "${k}" (ignored; extension keys start with x-)`, at: v.at });
  }

  const services = new Map<string, { node: LMap; file: Loaded }>();
  const networks = new Map<string, LNode>();
  const volumes = new Map<string, LNode>();
  collect(root, loader, services, networks, volumes, new Set([resolve(opts.file)]));

  const nameNode = root.tree.entries.get('name');
  const project = sanitize(opts.projectName ?? (nameNode ? String((nameNode as { value?: unknown }).value ?? '') : '') ?? '') || sanitize(vars.COMPOSE_PROJECT_NAME ?? '') || sanitize(basename(dir));
  if (!project) throw new MoatError('config', `${opts.file}: cannot name the project (give a top-level name:)`);
  const names: ProjectNames = { project, volumes: resourceNames(volumes, project, 'volumes'), networks: resourceNames(networks, project, 'networks'), env: vars };
  names.volumeDrivers = volumeDrivers(volumes, names.volumes);
  names.dir = dir;

  const specs: ContainerSpec[] = [];
  const set: Record<string, ContainerField[]> = {};
  const selected = opts.profiles === undefined ? undefined : new Set(opts.profiles);
  for (const [name, { node, file }] of services) {
    const svc = resolveExtends(name, node, file, loader, []);
    if (selected && !activeIn(svc, selected)) continue;
    const r = serviceToSpec(name, svc, names, loader.warnings);
    specs.push(r.spec);
    set[name] = r.set;
  }
  const networkDefs = [...names.networks].map(([key, name]) => ({ key, name, def: networks.get(key) }));
  return { project, specs, set, warnings: loader.warnings, networkDefs };
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

function activeIn(svc: LMap, selected: ReadonlySet<string>): boolean {
  const p = svc.entries.get('profiles');
  if (!p) return true;
  if (p.kind !== 'seq') throw locatedError(p.at, `profiles must be a list, found ${describe(p)}`);
  return selected.has('*') || p.items.some((i) => i.kind === 'scalar' && selected.has(String(i.value)));
}

/** `services`, `networks` and `volumes` of a file and of everything it includes (a name defined twice is an error, as in compose). */
function collect(f: Loaded, loader: Loader, services: Map<string, { node: LMap; file: Loaded }>, networks: Map<string, LNode>, volumes: Map<string, LNode>, seen: Set<string>): void {
  const inc = f.tree.entries.get('include');
  if (inc) {
    if (inc.kind !== 'seq') throw locatedError(inc.at, `include must be a list, found ${describe(inc)}`);
    for (const item of inc.items) {
      const paths = item.kind === 'map' ? item.entries.get('path') : item;
      if (!paths) throw locatedError(item.at, 'an include entry needs a path');
      for (const p of paths.kind === 'seq' ? paths.items : [paths]) {
        if (p.kind !== 'scalar' || typeof p.value !== 'string') throw locatedError(p.at, `include path must be a string, found ${describe(p)}`);
        const target = resolve(p.dir, p.value);
        if (seen.has(target)) throw locatedError(p.at, `${p.value} includes itself (directly or through another file)`);
        const child = loader.load(p.value, p.at, p.dir);
        collect(child, loader, services, networks, volumes, new Set([...seen, target]));
      }
    }
  }
  const add = (key: string, into: Map<string, unknown>, value: (n: LNode) => unknown): void => {
    const node = f.tree.entries.get(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) return;
    for (const [name, v] of expectMap(node, key).entries) {
      if (into.has(name)) throw locatedError(v.at, `${key.slice(0, -1)} "${name}" is defined twice (here and in an included file)`);
      into.set(name, value(v));
    }
  };
  add('services', services, (v) => ({ node: expectMap(v, 'a service'), file: f }));
  add('networks', networks, (v) => v);
  add('volumes', volumes, (v) => v);
}

/** `driver` and `driver_opts` of the volumes compose creates (an external volume's options are its own, not known here). */
function volumeDrivers(defs: Map<string, LNode>, engineNames: Map<string, string>): Map<string, VolumeDriverSpec> {
  const out = new Map<string, VolumeDriverSpec>();
  for (const [key, def] of defs) {
    if (def.kind !== 'map' || def.entries.has('external')) continue;
    const driver = def.entries.get('driver');
    const opts = def.entries.get('driver_opts');
    if (!opts) continue;
    if (opts.kind !== 'map') throw locatedError(opts.at, `volumes.${key}.driver_opts must be a mapping of option names to values, found ${describe(opts)}`);
    const options: Record<string, string> = {};
    for (const [k, v] of opts.entries) {
      if (v.kind !== 'scalar' || v.value === null || typeof v.value === 'object') throw locatedError(v.at, `volumes.${key}.driver_opts.${k} must be a string, found ${describe(v)}`);
      options[k] = String(v.value);
    }
    out.set(engineNames.get(key) ?? key, { driver: driver?.kind === 'scalar' && driver.value !== null ? String(driver.value) : '', options });
  }
  return out;
}

function resourceNames(defs: Map<string, LNode>, project: string, kind: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, def] of defs) {
    const m = def.kind === 'map' ? def : undefined;
    const name = m?.entries.get('name');
    const external = m?.entries.get('external');
    const isExternal = external?.kind === 'scalar' ? external.value === true || external.value === 'true' : external?.kind === 'map';
    if (def.kind !== 'map' && !(def.kind === 'scalar' && def.value === null)) throw locatedError(def.at, `${kind}.${key} must be a mapping or empty, found ${describe(def)}`);
    out.set(key, name?.kind === 'scalar' && name.value !== null ? String(name.value) : isExternal ? key : `${project}_${key}`);
  }
  if (kind === 'networks' && !out.has('default')) out.set('default', `${project}_default`);
  return out;
}

/** `extends: base` or `extends: {service, file}`, recursively, then the compose merge rules. */
function resolveExtends(name: string, svc: LMap, file: Loaded, loader: Loader, chain: string[]): LMap {
  const ext = svc.entries.get('extends');
  if (!ext) return svc;
  const key = `${file.file}#${name}`;
  if (chain.includes(key)) throw locatedError(ext.at, `service ${name} extends itself (${[...chain, key].map((c) => c.split('#')[1]).join(' → ')})`);
  let baseName: string;
  let baseFile = file;
  if (ext.kind === 'map') {
    const s = ext.entries.get('service');
    if (!s || s.kind !== 'scalar' || typeof s.value !== 'string') throw locatedError(ext.at, 'extends needs service: NAME');
    baseName = s.value;
    const f = ext.entries.get('file');
    if (f) {
      if (f.kind !== 'scalar' || typeof f.value !== 'string') throw locatedError(f.at, `extends.file must be a path, found ${describe(f)}`);
      baseFile = loader.load(f.value, f.at, f.dir);
    }
  } else if (ext.kind === 'scalar' && typeof ext.value === 'string') baseName = ext.value;
  else throw locatedError(ext.at, `extends must be a service name or a mapping, found ${describe(ext)}`);
  const services = baseFile.tree.entries.get('services');
  const base = services?.kind === 'map' ? services.entries.get(baseName) : undefined;
  if (!base) throw locatedError(ext.at, `service ${name} extends "${baseName}", which ${baseFile === file ? 'this file' : baseFile.file} does not define`);
  const resolvedBase = resolveExtends(baseName, expectMap(base, 'a service'), baseFile, loader, [...chain, key]);
  const merged = mergeMaps(resolvedBase, svc, '');
  merged.entries.delete('extends');
  return merged;
}

function asKeyValueMap(n: LNode, key: string): LMap {
  if (n.kind === 'map') return n;
  const entries = new Map<string, LNode>();
  for (const kv of keyValues(n, key)) entries.set(kv.key, { kind: 'scalar', value: kv.value ?? null, at: kv.at, dir: n.dir, ...(kv.value !== undefined && !kv.literal ? { interpolated: true } : {}) });
  return { kind: 'map', entries, at: n.at, dir: n.dir };
}

function targetOf(n: LNode): string {
  if (n.kind === 'map') {
    const t = n.entries.get('target');
    return t?.kind === 'scalar' ? String(t.value) : '';
  }
  if (n.kind !== 'scalar') return '';
  const parts = String(n.value).split(':');
  return parts.length === 1 ? (parts[0] ?? '') : (parts[1] ?? '');
}

function scalarKey(n: LNode): string | undefined {
  return n.kind === 'scalar' ? JSON.stringify(n.value) : undefined;
}

/** The compose specification's merge of an extended service (`base`) with the service that extends it (`local`). */
function mergeMaps(base: LMap, local: LMap, path: string): LMap {
  const entries = new Map(base.entries);
  for (const [k, lv] of local.entries) {
    const bv = entries.get(k);
    const full = path ? `${path}.${k}` : k;
    if (!bv || REPLACE_KEYS.has(full) || full === 'healthcheck.test') {
      entries.set(k, lv);
    } else if (path === '' && KEY_VALUE_KEYS.has(k)) {
      entries.set(k, mergeMaps(asKeyValueMap(bv, k), asKeyValueMap(lv, k), `${full}#`));
    } else if (path === '' && BY_TARGET_KEYS.has(k) && bv.kind === 'seq' && lv.kind === 'seq') {
      const targets = new Set(lv.items.map(targetOf));
      entries.set(k, { ...lv, items: [...bv.items.filter((i) => !targets.has(targetOf(i))), ...lv.items] });
    } else if (bv.kind === 'map' && lv.kind === 'map') {
      entries.set(k, mergeMaps(bv, lv, full));
    } else if (bv.kind === 'seq' && lv.kind === 'seq') {
      const seen = new Set(lv.items.map(scalarKey).filter((x) => x !== undefined));
      entries.set(k, { ...lv, items: [...bv.items.filter((i) => { const s = scalarKey(i); return s === undefined || !seen.has(s); }), ...lv.items] });
    } else entries.set(k, lv);
  }
  return { kind: 'map', entries, at: local.at, dir: local.dir };
}
