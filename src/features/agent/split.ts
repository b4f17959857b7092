/**
 * A report the server refuses as too large (413) is sent again in parts. The limit is the
 * token's (the server's --max-body for it), unknown to the agent until a push meets it, so
 * the inventories are halved until each part passes.
 *
 * Each part is a whole snapshot of the host (the audit, every image and container) with a
 * share of the inventories: the server replaces a host's state with each report it stores,
 * so parts stored in any order, or only some of them, leave the host as the snapshot
 * says, and an inventory that did not arrive is asked for again by the next round. A
 * part's id is the report's id and the part's place in the halving, so the same report
 * against the same limit always splits into the same ids: a replay (the agent killed
 * half-way, an answer lost) is stored once.
 *
 * Parts are sent from memory and never written to the buffer: the buffer holds the whole
 * report, which is split again if it has to be sent again. A part written there would be
 * replayed after any newer snapshot, putting an older state last.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Outcome, ServerClient } from './server-client.ts';

const ENDPOINT = 'api/v1/reports';

interface ReportShape {
  id: string;
  images?: Array<{ digest: string; inventory?: unknown }>;
  [key: string]: unknown;
}

export interface SplitResult {
  /** ok when every part was stored or held already; otherwise what stopped the parts (a retry, a refusal). */
  outcome: Outcome;
  /** Parts the server took. */
  parts: number;
  /** Images whose inventory alone is over the limit: their part went without it (the server asks again next round). */
  withoutInventory: string[];
}

export function isTooLarge(out: Outcome): boolean {
  return out.kind === 'rejected' && out.status === 413;
}

/** The id of the part reached by `path` (0 = first half, 1 = second; `n` = sent without its one inventory). */
export function partId(reportId: string, path: string): string {
  return `${reportId}.part-${path}`;
}

/**
 * Sends `gzipped` (a report the server answered `refused` with 413) in parts. Resolves with
 * the refusal itself when there is nothing to split (no inventories: the audit alone is over the limit).
 */
export async function sendInParts(server: ServerClient, gzipped: Buffer, refused: Outcome): Promise<SplitResult> {
  let report: ReportShape;
  try {
    report = JSON.parse(gunzipSync(gzipped).toString('utf8')) as ReportShape;
  } catch {
    return { outcome: refused, parts: 0, withoutInventory: [] };
  }
  const images = report.images ?? [];
  const carrying = images.filter((i) => i.inventory !== undefined).map((i) => i.digest);
  if (carrying.length === 0) return { outcome: refused, parts: 0, withoutInventory: [] };

  let parts = 0;
  let stored = false;
  const withoutInventory: string[] = [];
  const part = (path: string, keep: ReadonlySet<string>): Buffer => {
    const doc = {
      ...report,
      id: partId(report.id, path),
      images: images.map((i) => {
        if (i.inventory === undefined || keep.has(i.digest)) return i;
        const { inventory: _left, ...rest } = i;
        return rest;
      }),
    };
    return gzipSync(Buffer.from(JSON.stringify(doc)));
  };
  const send = async (path: string, digests: readonly string[]): Promise<Outcome> => {
    const out = await server.post(ENDPOINT, part(path, new Set(digests)), true);
    if (out.kind === 'ok') {
      parts++;
      if ((out.body as { stored?: unknown } | undefined)?.stored !== false) stored = true;
      return out;
    }
    if (!isTooLarge(out)) return out;
    if (digests.length === 0) return out;
    if (digests.length === 1) {
      // One inventory over the limit by itself: the snapshot still goes, without it.
      withoutInventory.push(digests[0] as string);
      return send(`${path}n`, []);
    }
    const half = Math.ceil(digests.length / 2);
    const first = await send(`${path}0`, digests.slice(0, half));
    if (first.kind !== 'ok') return first;
    return send(`${path}1`, digests.slice(half));
  };
  const half = Math.ceil(carrying.length / 2);
  let outcome = await send('0', carrying.slice(0, half));
  if (outcome.kind === 'ok' && half < carrying.length) outcome = await send('1', carrying.slice(half));
  if (outcome.kind !== 'ok') return { outcome, parts, withoutInventory };
  return { outcome: { kind: 'ok', status: outcome.status, body: { stored, parts } }, parts, withoutInventory };
}
