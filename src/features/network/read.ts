/** Reads a network picture through one of its doors: the engine (live) or a compose file (what it would create). */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineClient, type ClientOptions } from '../../doors/engine/client.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { HostSpec } from '../../models/host-spec.ts';
import type { NetworkPicture } from '../../models/network.ts';
import { composeNetworkPicture } from '../../doors/compose/networks.ts';
import { containersFromCompose } from '../../doors/compose/project.ts';
import { readDaemon } from '../../doors/daemon/index.ts';
import { engineNetworkPicture, readMembers, readNetworks } from '../../doors/engine/network.ts';
import { readHost } from '../../doors/host/index.ts';
import { MoatError } from '../../util/errors.ts';

export interface ReadPicture {
  picture: NetworkPicture;
  daemon?: DaemonSpec;
  host?: HostSpec;
  warnings: string[];
}

/** The live engine: daemon, networks and containers read concurrently. */
export async function readEnginePicture(opts: { client?: EngineClient; engine?: ClientOptions; all?: boolean; hostRoot?: string; env?: NodeJS.ProcessEnv }): Promise<ReadPicture> {
  const client = opts.client ?? (await EngineClient.connect(opts.engine));
  try {
    const [daemon, networks, members] = await Promise.all([readDaemon(client, { hostRoot: opts.hostRoot }), readNetworks(client), readMembers(client, { all: opts.all })]);
    const host = daemon.local ? await readHost({ root: opts.hostRoot, daemon, env: opts.env }) : undefined;
    const description = `${client.endpoint.display} (Docker ${daemon.version.engine})`;
    return { picture: engineNetworkPicture(description, networks, members, daemon), daemon, host, warnings: [] };
  } finally {
    if (!opts.client) client.close();
  }
}

/** A compose file: the networks and containers `docker compose up` would create. */
export function readComposePicture(file: string, env: NodeJS.ProcessEnv, cwd: string): ReadPicture {
  const path = resolve(cwd, file);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new MoatError('usage', `${file}: no such file`);
  }
  if (!st.isFile()) throw new MoatError('usage', `${file} is not a regular file`);
  const result = containersFromCompose(readFileSync(path, 'utf8'), { file, env, cwd: resolve(path, '..') });
  return { picture: composeNetworkPicture(file, result), warnings: result.warnings.map((w) => w.message) };
}
