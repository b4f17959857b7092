/**
 * The engine calls that run and observe a container (`moat harden` runs its copies with them):
 * validated at the edge; a refusal is an EngineError naming the call and the engine's words.
 */
import * as v from 'valibot';
import * as tar from 'tar-stream';
import type { EngineClient, RawResponse } from './client.ts';
import { EngineError } from './errors.ts';
import { parseEngine } from './inspect-schema.ts';

const str = v.nullish(v.string());
const num = v.nullish(v.number());

function refused(what: string, res: RawResponse): EngineError {
  let detail = res.body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(detail) as { message?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    /* plain text */
  }
  return new EngineError('http', `the engine refused ${what}: HTTP ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`, { status: res.status });
}

function json(res: RawResponse, what: string): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new EngineError('protocol', `the engine's answer to ${what} is not JSON (${res.body.length} bytes)`);
  }
}

const enc = encodeURIComponent;

export async function createContainer(client: EngineClient, name: string, body: unknown): Promise<string> {
  const what = `POST /containers/create?name=${name}`;
  const res = await client.request('POST', `/containers/create?name=${enc(name)}`, body);
  if (res.status !== 201) throw refused(what, res);
  return parseEngine(v.object({ Id: v.string() }), json(res, what), what).Id;
}

export async function connectNetwork(client: EngineClient, network: string, id: string): Promise<void> {
  const res = await client.request('POST', `/networks/${enc(network)}/connect`, { Container: id });
  if (res.status !== 200) throw refused(`POST /networks/${network}/connect`, res);
}

export async function startContainer(client: EngineClient, id: string): Promise<void> {
  const res = await client.request('POST', `/containers/${enc(id)}/start`);
  if (res.status !== 204 && res.status !== 304) throw refused(`POST /containers/${id}/start`, res);
}

/** Stops with SIGTERM (or the image's stop signal), SIGKILL after `graceSeconds`. Gone or already stopped is fine. */
export async function stopContainer(client: EngineClient, id: string, graceSeconds: number): Promise<void> {
  const res = await client.request('POST', `/containers/${enc(id)}/stop?t=${graceSeconds}`);
  if (res.status !== 204 && res.status !== 304 && res.status !== 404) throw refused(`POST /containers/${id}/stop`, res);
}

/**
 * Removes a copy Moat created, with the anonymous volumes the engine made for it (never named
 * volumes). False when it was gone already, or another client's removal of it is under way
 * (two moat harden runs cleaning up the same abandoned copy): either way it is not there to stay.
 */
export async function removeContainer(client: EngineClient, id: string): Promise<boolean> {
  const res = await client.request('DELETE', `/containers/${enc(id)}?force=1&v=1`);
  if (res.status === 204) return true;
  if (res.status === 404 || (res.status === 409 && /already in progress/.test(res.body.toString('utf8')))) return false;
  throw refused(`DELETE /containers/${id}`, res);
}

const StateSchema = v.object({
  Id: v.string(),
  State: v.object({
    Status: v.string(),
    Running: v.boolean(),
    Pid: v.number(),
    ExitCode: v.number(),
    OOMKilled: v.nullish(v.boolean()),
    StartedAt: str,
    FinishedAt: str,
    Error: str,
    Health: v.nullish(v.object({ Status: v.string() })),
  }),
  NetworkSettings: v.nullish(
    v.object({
      Ports: v.nullish(v.record(v.string(), v.nullish(v.array(v.object({ HostIp: str, HostPort: str }))))),
    }),
  ),
});
export type CopyState = v.InferOutput<typeof StateSchema>;

export async function inspectState(client: EngineClient, id: string): Promise<CopyState | undefined> {
  const raw = await client.getJson(`/containers/${enc(id)}/json`, { allowMissing: true });
  return raw === undefined ? undefined : parseEngine(StateSchema, raw, `GET /containers/${id}/json`);
}

/** `docker diff`: Kind 0 modified, 1 added, 2 deleted. */
export interface Change {
  path: string;
  kind: 0 | 1 | 2;
}
const ChangesSchema = v.nullable(v.array(v.object({ Path: v.string(), Kind: v.picklist([0, 1, 2]) })));

export async function containerChanges(client: EngineClient, id: string): Promise<Change[]> {
  const raw = await client.getJson(`/containers/${enc(id)}/changes`);
  return (parseEngine(ChangesSchema, raw, `GET /containers/${id}/changes`) ?? []).map((c) => ({ path: c.Path, kind: c.Kind }));
}

const StatsSchema = v.object({
  memory_stats: v.nullish(v.object({ usage: num, max_usage: num })),
  pids_stats: v.nullish(v.object({ current: num })),
});
export interface StatsSample {
  memory: number;
  /** cgroup v1's high-water mark since the container started (absent on cgroup v2). */
  memoryMax?: number;
  pids: number;
}

/** One sample, without the engine's one-second wait for a CPU delta (`one-shot`, API 1.41+). */
export async function sampleStats(client: EngineClient, id: string): Promise<StatsSample | undefined> {
  const res = await client.request('GET', `/containers/${enc(id)}/stats?stream=false&one-shot=true`);
  if (res.status === 404 || res.status === 409) return undefined;
  if (res.status !== 200) throw refused(`GET /containers/${id}/stats`, res);
  const s = parseEngine(StatsSchema, json(res, 'GET /containers/{id}/stats'), `GET /containers/${id}/stats`);
  return { memory: s.memory_stats?.usage ?? 0, memoryMax: s.memory_stats?.max_usage ?? undefined, pids: s.pids_stats?.current ?? 0 };
}

/** Runs a command in the copy (detached) and resolves with its exit code once it ends. */
export async function execInCopy(client: EngineClient, id: string, cmd: readonly string[], opts: { signal?: AbortSignal; pollMs?: number } = {}): Promise<number> {
  const created = await client.request('POST', `/containers/${enc(id)}/exec`, { Cmd: cmd, AttachStdout: false, AttachStderr: false, AttachStdin: false, Tty: false });
  if (created.status !== 201) throw refused(`POST /containers/${id}/exec`, created);
  const execId = parseEngine(v.object({ Id: v.string() }), json(created, 'exec create'), `POST /containers/${id}/exec`).Id;
  const started = await client.request('POST', `/exec/${enc(execId)}/start`, { Detach: true, Tty: false });
  if (started.status !== 200 && started.status !== 204) throw refused(`POST /exec/${execId}/start`, started);
  const ExecState = v.object({ Running: v.boolean(), ExitCode: v.nullish(v.number()) });
  for (;;) {
    opts.signal?.throwIfAborted();
    const st = parseEngine(ExecState, await client.getJson(`/exec/${enc(execId)}/json`), `GET /exec/${execId}/json`);
    if (!st.Running && st.ExitCode !== null && st.ExitCode !== undefined) return st.ExitCode;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}

/**
 * One regular file from a container (`GET /containers/{id}/archive`, a tar stream), at most
 * `maxBytes`; `undefined` when the path does not exist or is not a regular file.
 */
export async function readContainerFile(client: EngineClient, id: string, path: string, maxBytes: number): Promise<Buffer | undefined> {
  const what = `GET /containers/${id}/archive?path=${path}`;
  const res = await client.stream('GET', `/containers/${enc(id)}/archive?path=${enc(path)}`, { idleTimeoutMs: 15_000 });
  if (res.status === 404) {
    res.body.resume();
    return undefined;
  }
  if (res.status !== 200) {
    res.body.resume();
    throw new EngineError('http', `the engine refused ${what}: HTTP ${res.status}`, { status: res.status });
  }
  const entries = tar.extract();
  res.body.on('error', (e) => entries.destroy(e));
  res.body.pipe(entries);
  let found: Buffer | undefined;
  for await (const entry of entries) {
    if (found === undefined && entry.header.type === 'file') {
      if (entry.header.size !== undefined && entry.header.size > maxBytes) {
        entries.destroy();
        res.body.destroy();
        throw new EngineError('protocol', `${path} in the container is ${entry.header.size} bytes, more than the ${maxBytes} Moat reads`);
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      found = Buffer.concat(chunks);
    } else {
      entry.resume();
    }
  }
  return found;
}

const ListSchema = v.array(v.object({ Id: v.string(), Names: v.nullish(v.array(v.string())), Labels: v.nullish(v.record(v.string(), v.string())), State: str }));
export type ContainerListEntry = v.InferOutput<typeof ListSchema>[number];

export async function listContainers(client: EngineClient, labels: readonly string[]): Promise<ContainerListEntry[]> {
  const filters = enc(JSON.stringify({ label: labels }));
  return parseEngine(ListSchema, await client.getJson(`/containers/json?all=1&filters=${filters}`), 'GET /containers/json');
}

const InfoSchema = v.object({ KernelVersion: v.nullish(v.string()) });
/** The kernel the engine's containers run on (`GET /info`). */
export async function engineKernel(client: EngineClient): Promise<string | undefined> {
  return parseEngine(InfoSchema, await client.getJson('/info'), 'GET /info').KernelVersion ?? undefined;
}
