import type { MountSpec } from '../../../../models/container-spec.ts';
import { deviceName } from './devices.ts';
import { within } from '../../../../util/path-within.ts';

/** Engine sockets by name, wherever they are. */
const SOCKETS = /(^|\/)(docker|containerd|podman|crio|dockershim)\.sock$/;

/**
 * Where engines listen by default (dockerd's -H default, its exec-root's containerd, a system
 * containerd, podman, CRI-O): a bind of the socket or of any directory above it (`/`, `/run`,
 * `/var/run/docker`) gives the container the API, read-only or not. Doors that can look at the
 * daemon's host add the sockets actually listening there (`MountSpec.reaches`).
 */
export const KNOWN_ENGINE_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/docker/containerd/containerd.sock',
  '/var/run/docker/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/podman/podman.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
];


/** The engine sockets a bind mount gives the container: its source is one, or a directory above one. */
export function engineSocketsIn(m: MountSpec): string[] {
  if (m.type !== 'bind' || m.source === '') return [];
  const src = deviceName(m.source);
  const out = new Set<string>();
  if (SOCKETS.test(src)) out.add(src);
  // What the host shows first (the sockets really there), then the default paths.
  for (const r of m.reaches ?? []) if (r.owner === 'engine' || r.owner === 'containerd') out.add(r.path);
  for (const s of KNOWN_ENGINE_SOCKETS) if (within(s, src)) out.add(s);
  return [...out];
}

/** For messages: the first sockets, and how many more. */
export function socketList(sockets: readonly string[]): string {
  return sockets.length > 2 ? `${sockets.slice(0, 2).join(', ')} and ${sockets.length - 2} more` : sockets.join(', ');
}

/** A bind mount that gives the container a container engine's API socket. */
export function isEngineSocketMount(m: MountSpec): boolean {
  return engineSocketsIn(m).length > 0;
}

/** The bind is an engine socket itself (not a directory that holds one): nothing else of the host comes with it. */
export function isEngineSocketFile(m: MountSpec): boolean {
  if (m.type !== 'bind' || m.source === '') return false;
  const src = deviceName(m.source);
  return SOCKETS.test(src) || KNOWN_ENGINE_SOCKETS.includes(src) || (m.reaches ?? []).some((r) => r.direct === true && r.owner !== 'root-daemon');
}
