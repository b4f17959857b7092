import { createHash } from 'node:crypto';
import { audit } from '../audit/audit.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import type { EngineClient } from '../../doors/engine/client.ts';
import { renderJson } from '../../report/json.ts';
import type { Rule } from '../../models/rule.ts';
import { sbom } from '../sbom/sbom.ts';
import type { RunningContainer, RunningImage } from '../../doors/engine/reader.ts';
import { TOOL_VERSION } from '../../version.ts';
import type { DropCount } from './spool.ts';

export const REPORT_SCHEMA = 'moat.agent-report/1';
export const ALERTS_SCHEMA = 'moat.agent-alerts/1';

/** An image a container runs, as the server keys it; with `moat sbom --format json`'s document only when the server asked for it. */
export interface ReportImage extends RunningImage {
  inventory?: unknown;
}

export type ReportContainer = RunningContainer;

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
