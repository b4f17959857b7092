import type { ImageHistoryEntry, ImageSpec } from '../../models/image-spec.ts';
import type { ExecInfo, ProcessInfo } from '../../models/rule.ts';
import type * as v from 'valibot';
import type { ExecInspectSchema, HistorySchema, ImageInspectSchema, TopSchema } from './inspect-schema.ts';

/** `GET /images/{id}/json` → ImageSpec. */
export function imageFromInspect(i: v.InferOutput<typeof ImageInspectSchema>): ImageSpec {
  const cfg = i.Config ?? {};
  const test = cfg.Healthcheck?.Test ?? [];
  return {
    id: i.Id,
    repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    repoDigests: (i.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    created: i.Created ?? undefined,
    user: cfg.User || undefined,
    env: cfg.Env ?? [],
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
    entrypoint: cfg.Entrypoint ?? undefined,
    cmd: cfg.Cmd ?? undefined,
    healthcheck: test.length === 0 ? undefined : { test, disabled: test[0] === 'NONE' },
    labels: cfg.Labels ?? {},
  };
}

/** `GET /images/{id}/history` → build steps, newest first (the engine's order). */
export function historyFromApi(h: v.InferOutput<typeof HistorySchema>): ImageHistoryEntry[] {
  return h.map((e) => ({
    createdBy: e.CreatedBy ?? '',
    // Seconds since the epoch; 0 when the builder recorded none.
    ...(e.Created ? { created: new Date(e.Created * 1000).toISOString() } : {}),
    size: e.Size ?? 0,
  }));
}

/**
 * `GET /containers/{id}/top` → processes. The engine runs `ps` on the host, so this
 * works even when the image has no `ps` (where docker-bench's `docker exec ps` fails open).
 */
export function processesFromTop(t: v.InferOutput<typeof TopSchema>): ProcessInfo[] {
  const titles = t.Titles ?? [];
  const col = (...names: string[]): number => titles.findIndex((x) => names.includes(x.toUpperCase()));
  const pid = col('PID');
  const user = col('UID', 'USER');
  const cmd = col('CMD', 'COMMAND', 'ARGS');
  return (t.Processes ?? []).map((row) => ({
    pid: row[pid] ?? '',
    user: row[user] ?? '',
    command: cmd >= 0 ? row.slice(cmd).join(' ') : row.join(' '),
  }));
}

export function execFromInspect(e: v.InferOutput<typeof ExecInspectSchema>): ExecInfo {
  const pc = e.ProcessConfig ?? {};
  return {
    id: e.ID,
    user: pc.user ?? '',
    privileged: pc.privileged === true,
    command: [pc.entrypoint ?? '', ...(pc.arguments ?? [])].filter((s) => s !== ''),
    running: e.Running === true,
  };
}
