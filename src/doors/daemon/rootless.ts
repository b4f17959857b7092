/**
 * What a rootless daemon's audit needs to know about its user: who it is, and where
 * dockerd put its socket, config and data by default (its XDG directories). dockerd
 * takes these from its own environment, so they are read from its process when Moat
 * can see it, and otherwise from the files the engine points at.
 */
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { EngineInfo, RootlessDaemon } from '../../models/daemon-spec.ts';
import { parsePasswd } from '../host/accounts.ts';
import { underRoot } from '../host/files.ts';
import { readTextHere } from '../host/local-lookup.ts';
import type { DockerdProcess } from './process.ts';

export function isRootless(info: Pick<EngineInfo, 'securityOptions'>): boolean {
  return info.securityOptions.some((o) => o.name === 'rootless');
}

export interface RootlessHints {
  /** The unix socket Moat reached the engine through, when it did. */
  socket?: string;
  process?: DockerdProcess;
  dockerRootDir?: string;
}

/** Reads the user and the directories of a rootless daemon on this host (under `root`). */
export async function readRootless(root: string, hints: RootlessHints): Promise<RootlessDaemon> {
  const env = hints.process?.env ?? {};
  // The data root is created by dockerd as its user, so its owner is that user when the process is out of sight.
  const uid = hints.process?.uid ?? (hints.dockerRootDir ? await ownerOf(root, hints.dockerRootDir) : undefined);
  const [passwd, subgid] = await Promise.all([readText(root, '/etc/passwd'), readText(root, '/etc/subgid')]);
  const account = uid === undefined ? undefined : parsePasswd(passwd).find((u) => u.uid === uid);
  const home = env.HOME || account?.home || undefined;
  // dockerd-rootless.sh refuses to start without XDG_RUNTIME_DIR; the socket Moat used sits in it by default.
  const socketDir = hints.socket && posix.basename(hints.socket) === 'docker.sock' ? posix.dirname(hints.socket) : undefined;
  const runtimeDir = env.XDG_RUNTIME_DIR || socketDir || (uid !== undefined ? `/run/user/${uid}` : undefined);
  const configHome = env.XDG_CONFIG_HOME || (home ? `${home}/.config` : undefined);
  return {
    ...(uid !== undefined ? { uid } : {}),
    ...(account ? { user: account.name, gid: account.gid } : {}),
    ...(home ? { home } : {}),
    ...(runtimeDir ? { runtimeDir } : {}),
    ...(configHome ? { configDir: `${configHome}/docker` } : {}),
    subgids: account ? parseSubIds(subgid, account.name, uid) : [],
  };
}

/** The ranges `/etc/subgid` (or `/etc/subuid`) gives a user, listed by name or by uid. */
export function parseSubIds(text: string, name: string, uid?: number): Array<{ start: number; count: number }> {
  const out: Array<{ start: number; count: number }> = [];
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (who === undefined || start === undefined || count === undefined) continue;
    if (who !== name && who !== String(uid)) continue;
    if (!/^\d+$/.test(start) || !/^\d+$/.test(count)) continue;
    out.push({ start: Number(start), count: Number(count) });
  }
  return out;
}

async function ownerOf(root: string, path: string): Promise<number | undefined> {
  try {
    return (await stat(underRoot(root, path))).uid;
  } catch {
    return undefined;
  }
}

async function readText(root: string, path: string): Promise<string> {
  return readTextHere(underRoot(root, path)).catch(() => '');
}
