/**
 * What runs on an engine, as the agent reports it: the running containers (as `moat audit`
 * sees them: running ones only) and the images they use, each image once, with its id,
 * references and layers (diff ids, base first) as the engine holds them.
 */
import * as v from 'valibot';
import { mapLimit } from '../../util/concurrency.ts';
import type { EngineClient } from './client.ts';
import { parseEngine } from './inspect-schema.ts';

export interface RunningContainer {
  id: string;
  name: string;
  /** The reference it was started with (`docker run IMAGE`). */
  image: string;
  /** The image id, `sha256:…` (absent only when the engine did not say). */
  imageDigest?: string;
  state: string;
}

export interface RunningImage {
  /** The image id (config digest), `sha256:…`. */
  digest: string;
  /** Tags and repository digests; none for an untagged image. */
  references: string[];
  /** The layers' diff ids, base first. */
  layers: string[];
}

const ContainerList = v.array(v.object({ Id: v.string(), Names: v.nullish(v.array(v.string())), Image: v.nullish(v.string()), ImageID: v.nullish(v.string()), State: v.nullish(v.string()) }));

const ImageInspectLayers = v.object({
  Id: v.string(),
  RepoTags: v.nullish(v.array(v.string())),
  RepoDigests: v.nullish(v.array(v.string())),
  RootFS: v.nullish(v.object({ Layers: v.nullish(v.array(v.string())) })),
});

/**
 * The running containers (as `moat audit` sees them: running ones only) and the images they
 * use, each image once, with its id, references and layers as the engine holds them.
 */
export async function readRunning(client: EngineClient): Promise<{ containers: RunningContainer[]; images: RunningImage[] }> {
  const summaries = parseEngine(ContainerList, await client.getJson('/containers/json?all=0'), 'GET /containers/json');
  const containers = summaries
    .map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), image: c.Image ?? '', ...(c.ImageID ? { imageDigest: c.ImageID } : {}), state: c.State ?? 'running' }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const ids = [...new Set(containers.map((c) => c.imageDigest).filter((i): i is string => i !== undefined))].sort();
  const found = await mapLimit(ids, 8, async (id) => {
    const raw = await client.getJson(`/images/${encodeURIComponent(id)}/json`, { allowMissing: true });
    // Removed since the container list (possible when the container is removed too): nothing to report.
    if (raw === undefined) return undefined;
    const img = parseEngine(ImageInspectLayers, raw, `GET /images/${id}/json`);
    const references = [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])].filter((r) => !r.startsWith('<none>'));
    return { digest: img.Id, references, layers: img.RootFS?.Layers ?? [] } satisfies RunningImage;
  });
  return { containers, images: found.filter((i): i is RunningImage => i !== undefined) };
}

