/**
 * The daemon's own view of what a start will run, asked of the daemon itself: the container
 * (`GET /containers/{id}/json`), the volumes it uses, an exec, a plugin, an image's config.
 * These calls pass through this plugin too (dockerd authorizes every API call): they are reads,
 * answered at once without taking a judgement slot (server.ts), so a start waiting on them
 * cannot deadlock; each is bounded by the client's timeout, and the start check by its own
 * deadline, so a daemon that does not answer is a denial, never a hang.
 */
import { EngineClient } from '../../doors/engine/client.ts';
import type { Endpoint } from '../../doors/engine/endpoint.ts';
import type { ContainerInspect, PluginInspect, VolumeInspect } from '../../doors/engine/inspect-schema.ts';
import { EngineReader, type ExecInspect } from '../../doors/engine/reader.ts';
import type { ImageSpec } from '../../models/image-spec.ts';

export type { ExecInspect };

/** What the start check asks; undefined = the daemon has no such object (404). */
export interface DaemonView {
  container(id: string): Promise<ContainerInspect | undefined>;
  volume(name: string): Promise<VolumeInspect | undefined>;
  exec(id: string): Promise<ExecInspect | undefined>;
  plugin(name: string): Promise<PluginInspect | undefined>;
  image(ref: string): Promise<ImageSpec | undefined>;
  /** Where the daemon is, for messages. */
  display: string;
}

/** The view over the Engine API (the daemon Moat guards), API version settled on first use. */
export class EngineDaemonView implements DaemonView {
  readonly display: string;
  private readonly client: EngineClient;
  private readonly reader: EngineReader;
  private negotiated: Promise<void> | undefined;

  constructor(endpoint: Endpoint, timeoutMs: number) {
    // The plugin starts before dockerd (which will not start without it): nothing is asked until a start is judged.
    this.client = new EngineClient({ endpoint, timeoutMs, maxConcurrency: 16 });
    this.reader = new EngineReader(this.client);
    this.display = endpoint.display;
  }

  container(id: string): Promise<ContainerInspect | undefined> {
    return this.read((r) => r.inspectContainer(id));
  }

  volume(name: string): Promise<VolumeInspect | undefined> {
    return this.read((r) => r.volume(name));
  }

  exec(id: string): Promise<ExecInspect | undefined> {
    return this.read((r) => r.inspectExec(id));
  }

  plugin(name: string): Promise<PluginInspect | undefined> {
    return this.read((r) => r.plugin(name));
  }

  image(ref: string): Promise<ImageSpec | undefined> {
    return this.read((r) => r.image(ref));
  }

  close(): void {
    this.client.close();
  }

  private async read<T>(ask: (reader: EngineReader) => Promise<T>): Promise<T> {
    this.negotiated ??= this.client.negotiate().catch((e: unknown) => {
      this.negotiated = undefined;
      throw e;
    });
    await this.negotiated;
    return ask(this.reader);
  }
}
