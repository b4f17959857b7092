/**
 * The start check: at `POST /containers/{id}/start` (and restart), `POST /exec/{id}/start` and
 * `POST /plugins/{name}/enable`, what will run is read from the daemon itself and judged with
 * the same rules and policy as a create. The request check refuses early but reads what the
 * client wrote; this reads what the daemon will do, so a gap in the request reading (a field
 * decoded differently, a volume whose options were not modelled, an image USER not known at
 * create, `--volumes-from` a container let through by an exception) cannot reach a process.
 */
import type { ContainerSpec } from '../../models/container-spec.ts';
import { isLocalVolumeBind, withLocalVolumeBinds } from '../../models/local-volume.ts';
import { containerFromInspect } from '../../doors/engine/container.ts';
import { execFromInspect } from '../../doors/engine/image.ts';
import { pluginOverSpec } from '../../doors/engine/plugin.ts';
import type { ExecInfo } from '../../models/rule.ts';
import type { DaemonView } from './daemon-view.ts';
import { baselineSpec, envSecrets, type RequestSubject } from '../../doors/authz-request/requests.ts';

export type StartKind = 'container' | 'exec' | 'plugin';

/** Why a start was refused because the daemon's view could not be had. */
export const START_REASONS = {
  missing: 'enforce-start-missing',
  unanswered: 'enforce-start-unanswered',
} as const;

export type StartView = { subject: RequestSubject; plugin?: { name: string; reference: string } } | { deny: { rule: string; reason: string } };

export async function startView(kind: StartKind, target: string, view: DaemonView): Promise<StartView> {
  if (kind === 'plugin') {
    const p = await view.plugin(target);
    if (!p) return missing(`plugin ${target}`);
    const spec = pluginOverSpec(p, baselineSpec());
    const reference = p.PluginReference || p.Name;
    return {
      subject: { kind: 'plugin', mode: 'delta', spec, name: p.Name, image: reference, labels: {}, secrets: envSecrets(spec.env), warnings: [] },
      plugin: { name: p.Name, reference },
    };
  }
  let containerId = target;
  let execs: ExecInfo[] | undefined;
  if (kind === 'exec') {
    const e = await view.exec(target);
    if (!e) return missing(`exec ${target}`);
    if (!e.ContainerID) return missing(`the container of exec ${target}`);
    containerId = e.ContainerID;
    execs = [execFromInspect(e)];
  }
  const c = await view.container(containerId);
  if (!c) return missing(`container ${containerId}`);
  const spec = containerFromInspect(c);
  const notes: string[] = [];
  await readVolumes(spec, view, notes);
  await borrowedNamespaces(spec, view, notes);
  return {
    subject: {
      kind: 'container',
      mode: 'whole',
      spec,
      ...(execs ? { execs } : {}),
      name: spec.name || undefined,
      image: spec.image,
      labels: spec.labels,
      secrets: envSecrets(spec.env),
      warnings: notes.map((message) => ({ message })),
    },
  };
}

/**
 * A named volume is what its driver options make it (models/local-volume.ts): a `local` volume
 * with `o=bind,device=PATH` is a bind of PATH, an overlay exposes its layers, a device or kernel
 * file system is judged as the mount it makes. Inspect of the container does not show them.
 */
async function readVolumes(spec: ContainerSpec, view: DaemonView, notes: string[]): Promise<void> {
  const volumes = spec.mounts.filter((m) => m.type === 'volume' && m.source !== '' && !m.derivedFrom);
  // Asked at once: a container with many volumes must not spend its deadline one round trip at a time.
  const answers = await Promise.all(volumes.map((m) => view.volume(m.source)));
  for (const [i, m] of volumes.entries()) {
    const vol = answers[i];
    if (!vol) continue;
    m.volume = { driver: vol.Driver || 'local', options: vol.Options ?? {} };
    if (Object.keys(m.volume.options).length) notes.push(`volume ${m.source} (driver ${m.volume.driver}) has options ${Object.entries(m.volume.options).map(([k, v]) => `${k}=${v}`).join(',')}`);
  }
  spec.mounts = withLocalVolumeBinds(spec.mounts.filter((m) => !isLocalVolumeBind(m)));
}

/** `--pid/--ipc/--network container:X` runs in X's namespace: when X's is the host's, so is this one's. */
async function borrowedNamespaces(spec: ContainerSpec, view: DaemonView, notes: string[]): Promise<void> {
  for (const ns of ['pid', 'ipc', 'network'] as const) {
    const mode = spec.namespaces[ns] ?? '';
    if (!mode.startsWith('container:')) continue;
    const other = await view.container(mode.slice('container:'.length));
    if (!other) continue;
    const theirs = containerFromInspect(other).namespaces[ns];
    if (theirs !== 'host') continue;
    spec.namespaces[ns] = 'host';
    notes.push(`${ns} namespace ${mode} is the host's (that container runs with --${ns === 'network' ? 'network' : ns} host)`);
  }
}

function missing(what: string): StartView {
  // dockerd would answer 404 too; refusing costs nothing and leaves no window for one to appear in between.
  return { deny: { rule: START_REASONS.missing, reason: `the daemon has no ${what} (GET answered 404), so what would run cannot be judged` } };
}
