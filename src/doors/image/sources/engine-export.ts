import { EngineClient, type ClientOptions, type StreamResponse } from '../../engine/client.ts';
import { EngineError } from '../../engine/errors.ts';
import { ImageInspectSchema, parseEngine, type ImageInspect } from '../../engine/inspect-schema.ts';
import { MoatError } from '../../../util/errors.ts';

/**
 * How much of the export is read ahead of the parser: dockerd tars the layers as it sends
 * them, and stalls while nobody reads; with the parser busy on a burst of small files, 16 KB
 * of buffer would make the two wait on each other. Bounded: peak memory stays in budget.
 */
const READ_AHEAD = 8 * 1024 * 1024;

/** An engine image's export, under way: the image it resolved to and the answer's stream. */
export interface OpenedExport {
  client: EngineClient;
  image: ImageInspect;
  res: StreamResponse;
}

/**
 * An export requested ahead of the reader that will take it. dockerd writes a whole
 * `docker save` to its own disk before the first byte (about 2 s for a 200 MB image here),
 * so a command that asks first and loads its analysers while dockerd works pays nothing
 * for loading them.
 */
export interface StartedExport {
  reference: string;
  /**
   * Settles once the export's request is written to the engine, or the start failed. Module
   * loading holds the event loop: a command that loads its analysers before this would keep
   * the request (and dockerd's work) waiting for them.
   */
  sent: Promise<void>;
  /** Taken once, by the read of the same reference; undefined after. */
  take(): Promise<OpenedExport> | undefined;
  /** Drops the export if no read took it (a command that failed before reading). */
  cancel(): void;
}

/** Engine settings for reading an image, and the export a command may have started already. */
export interface EngineReadOptions extends ClientOptions {
  started?: StartedExport;
}

/**
 * Resolves the reference to an image id, then asks for that id's export, so a tag moved
 * during the read cannot mix two images.
 */
export async function openEngineExport(reference: string, clientOptions: ClientOptions, signal?: AbortSignal, onSent?: () => void): Promise<OpenedExport> {
  const client = await EngineClient.connect(clientOptions);
  try {
    const inspect = await client.getJson(`/images/${encodeURIComponent(reference)}/json`, { allowMissing: true });
    if (inspect === undefined) {
      throw new MoatError('usage', `no image "${reference}" in the engine at ${client.endpoint.display}: build or pull it first (docker images lists what is there)`);
    }
    const image = parseEngine(ImageInspectSchema, inspect, `image ${reference}`);
    const path = `/images/${encodeURIComponent(image.Id)}/get`;
    // The engine may pause while it prepares a layer; silence this long means it is stuck.
    const res = await client.stream('GET', path, { ...(signal ? { signal } : {}), idleTimeoutMs: clientOptions.timeoutMs ?? 15_000, readAheadBytes: READ_AHEAD, ...(onSent ? { onSent } : {}) });
    if (res.status !== 200) {
      res.body.resume();
      throw new EngineError('http', `the engine refused GET ${path}: HTTP ${res.status}`, { status: res.status });
    }
    return { client, image, res };
  } catch (e) {
    client.close();
    throw e;
  }
}

/** Starts `openEngineExport` now; its errors reach whoever takes it, and nobody else. */
export function startEngineExport(reference: string, clientOptions: ClientOptions, signal: AbortSignal): StartedExport {
  const own = new AbortController();
  let wasSent!: () => void;
  const sent = new Promise<void>((resolve) => (wasSent = resolve));
  let pending: Promise<OpenedExport> | undefined = openEngineExport(reference, clientOptions, AbortSignal.any([signal, own.signal]), wasSent);
  const opened = pending;
  opened.catch(() => undefined).finally(wasSent);
  return {
    reference,
    sent,
    take() {
      const p = pending;
      pending = undefined;
      return p;
    },
    cancel() {
      if (pending === undefined) return;
      pending = undefined;
      own.abort(new MoatError('incomplete', 'the image read was not started'));
      opened.then((o) => o.client.close(), () => undefined);
    },
  };
}
