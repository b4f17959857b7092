import type { MountSpec } from '../../../models/container-spec.ts';

/** Engine sockets, and the run directories that hold them (mounting the directory exposes the socket too). */
const SOCKETS = /(^|\/)(docker|containerd|podman|crio|dockershim)\.sock$/;
const SOCKET_DIRS = new Set(['/run', '/var/run', '/run/docker', '/var/run/docker', '/run/containerd', '/var/run/containerd']);

/** A bind mount that gives the container a container engine's API socket. */
export function isEngineSocketMount(m: MountSpec): boolean {
  return m.type === 'bind' && (SOCKETS.test(m.source) || SOCKET_DIRS.has(m.source.replace(/\/+$/, '')));
}
