/**
 * Compose file format version 1: services at the top level, no `services:` key (the
 * original `fig.yml` shape, still in many repositories). Docker Compose v2 no longer reads
 * it, but such files are run with older tools and copied from, so a privileged service or a
 * docker.sock mount in one must be judged like any other. The file becomes the tree of a
 * later version, and the usual reader does the rest.
 */
import type { DoorWarning } from '../common/spec.ts';
import type { LMap, LNode } from './yaml-tree.ts';

/** Keys that only version 1 has, and what later versions call them. */
const RENAMED: Record<string, string> = { net: 'network_mode' };
/** Keys of later versions that mean a file is not version 1. */
const LATER_TOP_KEYS = ['services', 'include'];
/** Top-level keys of later versions, kept as they are when they do not look like a service (a file that mixes `version: "2"` with services at the top level). */
const RESOURCE_KEYS = new Set(['version', 'name', 'networks', 'volumes', 'configs', 'secrets']);

const looksLikeService = (v: LNode): boolean => v.kind === 'map' && (v.entries.has('image') || v.entries.has('build') || v.entries.has('extends'));

/**
 * A file is version 1 when it has none of the later top-level keys and at least one
 * top-level mapping looks like a service (it has `image` or `build`, which every
 * version-1 service needs unless it `extends` another).
 */
export function isVersion1(tree: LMap): boolean {
  if (LATER_TOP_KEYS.some((k) => tree.entries.has(k))) return false;
  return [...tree.entries].some(([k, v]) => !k.startsWith('x-') && v.kind === 'map' && (v.entries.has('image') || v.entries.has('build')));
}

function resource(name: string, node: LNode): boolean {
  return RESOURCE_KEYS.has(name) && !looksLikeService(node);
}

/**
 * The version-1 tree as a later version writes it: every top-level mapping a service;
 * `net` → `network_mode`, `dockerfile` → `build.dockerfile`, `log_driver`/`log_opt` →
 * `logging`; services without `net` on the default bridge (version 1 had no project
 * network); named volumes used by services declared as they were, unprefixed.
 */
export function fromVersion1(tree: LMap, warnings: DoorWarning[]): LMap {
  const services = new Map<string, LNode>();
  const volumes = new Map<string, LNode>();
  const kept = new Map<string, LNode>();
  for (const [name, node] of tree.entries) {
    if (name.startsWith('x-')) continue;
    if (resource(name, node)) {
      kept.set(name, node);
      continue;
    }
    if (node.kind !== 'map') {
      warnings.push({ message: `top-level key "${name}" of a version-1 compose file is not a service (a mapping): ignored`, at: node.at });
      continue;
    }
    const svc = service(node);
    services.set(name, svc);
    for (const v of namedVolumes(svc)) volumes.set(v, { kind: 'map', entries: new Map([['name', { kind: 'scalar', value: v, at: node.at, dir: node.dir }]]), at: node.at, dir: node.dir });
  }
  warnings.push({ message: 'version-1 compose file (services at the top level, no services: key): read as later versions are; Docker Compose v2 no longer accepts this format, move the services under services:', at: tree.at });
  const at = tree.at;
  const entries = new Map<string, LNode>([...kept, ['services', { kind: 'map', entries: services, at, dir: tree.dir }]]);
  const declared = kept.get('volumes');
  if (declared?.kind === 'map') for (const [k, v] of declared.entries) volumes.set(k, v);
  if (volumes.size) entries.set('volumes', { kind: 'map', entries: volumes, at: declared?.at ?? at, dir: tree.dir });
  return { kind: 'map', entries, at, dir: tree.dir };
}

function service(node: LMap): LMap {
  const entries = new Map<string, LNode>();
  for (const [k, v] of node.entries) {
    // volume_driver names the plugin for the service's named volumes: nothing a rule judges.
    if (k === 'dockerfile' || k === 'log_driver' || k === 'log_opt' || k === 'volume_driver') continue;
    entries.set(RENAMED[k] ?? k, v);
  }
  const dockerfile = node.entries.get('dockerfile');
  const build = node.entries.get('build');
  if (dockerfile && build) {
    const context: LNode = build.kind === 'map' ? (build.entries.get('context') ?? build) : build;
    entries.set('build', { kind: 'map', entries: new Map([['context', context], ['dockerfile', dockerfile]]), at: build.at, dir: build.dir });
  }
  const driver = node.entries.get('log_driver');
  const opts = node.entries.get('log_opt');
  if (driver || opts) {
    const logging = new Map<string, LNode>();
    if (driver) logging.set('driver', driver);
    if (opts) logging.set('options', opts);
    entries.set('logging', { kind: 'map', entries: logging, at: (driver ?? opts)?.at ?? node.at, dir: node.dir });
  }
  if (!entries.has('network_mode') && !entries.has('networks') && !entries.has('extends')) {
    entries.set('network_mode', { kind: 'scalar', value: 'bridge', at: node.at, dir: node.dir });
  }
  return { kind: 'map', entries, at: node.at, dir: node.dir };
}

/** `data:/var/lib/db` in a version-1 service: a volume the engine creates under that very name. */
function namedVolumes(svc: LMap): string[] {
  const vols = svc.entries.get('volumes');
  if (vols?.kind !== 'seq') return [];
  const out: string[] = [];
  for (const v of vols.items) {
    if (v.kind !== 'scalar' || typeof v.value !== 'string') continue;
    const parts = v.value.split(':');
    const src = parts[0] ?? '';
    if (parts.length >= 2 && src !== '' && !/^[/.~$]/.test(src)) out.push(src);
  }
  return out;
}
