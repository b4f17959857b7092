import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { audit } from '../audit/audit.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import type { EngineClient } from '../../doors/engine/client.ts';
import { renderJson } from '../../report/json.ts';
import type { Rule } from '../../models/rule.ts';
import { sbom } from '../sbom/sbom.ts';
import { parseEngine } from '../../doors/engine/inspect-schema.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { TOOL_VERSION } from '../../version.ts';
import type { DropCount } from './spool.ts';

export const REPORT_SCHEMA = 'moat.agent-report/1';
export const ALERTS_SCHEMA = 'moat.agent-alerts/1';

/** An image a container runs, as the server keys it. */
export interface ReportImage {
  /** The image id (config digest), `sha256:…`. */
  digest: string;
  references: string[];
  /** The layers' diff ids, base first: what the server matches inventories by. */
  layers: string[];
  /** `moat sbom --format json`'s document, only when the server asked for it. */
  inventory?: unknown;
}

/** A running container and the image it runs: what runs where. */
export interface ReportContainer {
  id: string;
  name: string;
  /** The reference it was started with (`docker run IMAGE`). */
  image: string;
  imageDigest: string;
  state: string;
}

export interface AgentReport {
  schema: typeof REPORT_SCHEMA;
  id: string;
  host: string;
  sentAt: string;
  agentVersion: string;
  /** The document `moat audit --format json` prints. */
  audit: unknown;
  images: ReportImage[];
  containers: ReportContainer[];
  /** Documents the agent's buffer dropped since the last report (kept bounded while the server was away). */
  dropped?: DropCount;
  /** Inventories the server asked for that could not be read (image removed meanwhile, unreadable layer). */
  problems?: string[];
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
export async function listRunning(client: EngineClient): Promise<{ containers: ReportContainer[]; images: ReportImage[] }> {
  const summaries = parseEngine(ContainerList, await client.getJson('/containers/json?all=0'), 'GET /containers/json');
  const containers = summaries
    .map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), image: c.Image ?? '', imageDigest: c.ImageID ?? '', state: c.State ?? 'running' }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const ids = [...new Set(containers.map((c) => c.imageDigest).filter((i) => i !== ''))].sort();
  const found = await mapLimit(ids, 8, async (id) => {
    const raw = await client.getJson(`/images/${encodeURIComponent(id)}/json`, { allowMissing: true });
    // Removed since the container list (possible when the container is removed too): nothing to report.
    if (raw === undefined) return undefined;
    const img = parseEngine(ImageInspectLayers, raw, `GET /images/${id}/json`);
    const references = [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])].filter((r) => !r.startsWith('<none>'));
    return { digest: img.Id, references, layers: img.RootFS?.Layers ?? [] } satisfies ReportImage;
  });
  return { containers, images: found.filter((i): i is ReportImage => i !== undefined) };
}

/** `moat audit --format json`'s document, from the audit feature itself. */
export async function auditDocument(opts: { client: EngineClient; rules: readonly Rule[]; config: MoatConfig; env: NodeJS.ProcessEnv; hostRoot?: string }): Promise<unknown> {
  const report = await audit({ client: opts.client, rules: opts.rules, config: opts.config, env: opts.env, ...(opts.hostRoot ? { hostRoot: opts.hostRoot } : {}) });
  return JSON.parse(renderJson(report));
}

/**
 * Adds the inventories the server lacks, built one image at a time (reading an image is
 * the engine's heaviest work). An image that cannot be read is said in `problems` and
 * left without one: the server asks again next round.
 */
export async function addInventories(images: ReportImage[], wanted: ReadonlySet<string>, engine: { client: EngineClient }, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  for (const img of images) {
    if (!wanted.has(img.digest)) continue;
    signal?.throwIfAborted();
    try {
      const result = await sbom({ kind: 'engine', reference: img.digest }, { format: 'json', engine: { endpoint: engine.client.endpoint }, ...(signal ? { signal } : {}) });
      img.inventory = JSON.parse(result.text);
    } catch (e) {
      if (signal?.aborted) throw e;
      problems.push(`inventory of ${img.references[0] ?? img.digest}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/**
 * The report with its id: the SHA-256 of its content (everything but `id` and `sentAt`),
 * so the same document sent twice, as after an outage, is stored once.
 */
export function finishReport(parts: Omit<AgentReport, 'schema' | 'id' | 'sentAt' | 'agentVersion'>, now = new Date()): AgentReport {
  const content = { schema: REPORT_SCHEMA, agentVersion: TOOL_VERSION, ...parts };
  const id = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return { schema: REPORT_SCHEMA, id, host: parts.host, sentAt: now.toISOString(), agentVersion: TOOL_VERSION, audit: parts.audit, images: parts.images, containers: parts.containers, ...(parts.dropped ? { dropped: parts.dropped } : {}), ...(parts.problems?.length ? { problems: parts.problems } : {}) };
}
