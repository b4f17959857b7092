/**
 * `CONTAINER` or `compose-file:service` → HardenTarget. A container is read through the
 * inspect door. A compose service is read through the compose door, then copied from the
 * container compose created for it: the create request compose would send is exactly what
 * that container was created from, and Moat never starts the user's own service.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EngineClient } from '../../doors/engine/client.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import { containersFromCompose } from '../../doors/compose/project.ts';
import { containerFromInspect } from '../../doors/engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../../doors/engine/inspect-schema.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import { listSome } from '../../util/error-text.ts';
import { MoatError } from '../../util/errors.ts';
import { listContainers } from '../../doors/engine/runs.ts';
import { createBodyFromInspect, type HardenTarget } from './target.ts';

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';
const MAX_COMPOSE_BYTES = 8 * 1024 * 1024;

export interface ResolveOptions {
  cwd?: string;
  /** Variables for compose interpolation (the shell's environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Container names never hold a colon, so one means `compose-file:service`. */
export function parseTargetArg(arg: string): { kind: 'container'; name: string } | { kind: 'compose'; file: string; service: string } {
  const i = arg.lastIndexOf(':');
  if (i < 0) return { kind: 'container', name: arg };
  const file = arg.slice(0, i);
  const service = arg.slice(i + 1);
  if (!file || !service) throw new MoatError('usage', `"${arg}" is neither a container name nor compose-file:service (e.g. compose.yaml:web)`);
  return { kind: 'compose', file, service };
}

export async function resolveTarget(client: EngineClient, arg: string, opts: ResolveOptions = {}): Promise<HardenTarget> {
  const parsed = parseTargetArg(arg);
  if (parsed.kind === 'container') return fromContainer(client, parsed.name, arg);
  return fromComposeService(client, parsed.file, parsed.service, arg, opts);
}

async function fromContainer(client: EngineClient, name: string, label: string, service?: string): Promise<HardenTarget> {
  const reader = new EngineReader(client);
  const what = `GET /containers/${name}/json`;
  // The whole document: the copy is created from every field the engine keeps, not only those Moat's model reads.
  const raw = await reader.containerDocument(name);
  if (raw === undefined) throw new MoatError('usage', `no container named or with id "${name}" (docker ps -a lists them)`);
  const spec = containerFromInspect(parseEngine(ContainerInspectSchema, raw, what));
  const { create, extraNetworks } = createBodyFromInspect(raw, what);
  const imageUser = (await reader.image(create.Image))?.user;
  return { label, service: service ?? spec.labels[COMPOSE_SERVICE] ?? spec.name, spec, create, extraNetworks, imageUser, notes: [] };
}

async function fromComposeService(client: EngineClient, file: string, service: string, label: string, opts: ResolveOptions): Promise<HardenTarget> {
  const full = resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    const st = statSync(full);
    if (!st.isFile()) throw new MoatError('usage', `${file} is not a regular file: give compose-file:service, e.g. compose.yaml:web`);
    if (st.size > MAX_COMPOSE_BYTES) throw new MoatError('usage', `${file} is ${st.size} bytes, more than the ${MAX_COMPOSE_BYTES} a compose file may be`);
    text = readFileSync(full, 'utf8');
  } catch (e) {
    if (e instanceof MoatError) throw e;
    throw new MoatError('usage', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give compose-file:service, e.g. compose.yaml:web)`);
  }
  const compose = containersFromCompose(text, { file: full, env: opts.env });
  const spec = compose.specs.find((s) => s.name === service);
  if (!spec) throw new MoatError('usage', `${file} has no service "${service}" (services: ${listSome(compose.specs.map((s) => s.name)) || 'none'})`);
  const found = await listContainers(client, [`${COMPOSE_PROJECT}=${compose.project}`, `${COMPOSE_SERVICE}=${service}`]);
  const pick = found.find((c) => c.State === 'running') ?? found[0];
  if (!pick) {
    throw new MoatError(
      'usage',
      `service "${service}" of compose project "${compose.project}" has no container yet: create one with docker compose -f ${file} create ${service} (Moat copies what compose created and never starts your service), then run moat harden again`,
    );
  }
  const t = await fromContainer(client, pick.Id, label, service);
  const drift = differences(spec, t.spec);
  if (drift.length) t.notes.push(`the container ${t.spec.name} differs from ${file} in ${drift.join(', ')} (was the file changed after it was created?); the copy follows the container`);
  for (const w of compose.warnings.slice(0, 5)) t.notes.push(`compose: ${w.message}`);
  return t;
}

/** The settings a hardening proposal builds on, compared between the file and the container it made. */
function differences(file: ContainerSpec, made: ContainerSpec): string[] {
  const out: string[] = [];
  const sameList = (a: string[], b: string[]): boolean => [...a].sort().join(',') === [...b].sort().join(',');
  if (file.image && made.image && file.image !== made.image) out.push(`image (${file.image} vs ${made.image})`);
  if ((file.user ?? '') !== (made.user ?? '') && file.where.user?.file) out.push('user');
  if (file.privileged !== made.privileged) out.push('privileged');
  if (!sameList(file.capAdd, made.capAdd)) out.push('cap_add');
  if (!sameList(file.capDrop, made.capDrop)) out.push('cap_drop');
  if (file.readOnlyRootfs !== made.readOnlyRootfs) out.push('read_only');
  return out;
}
