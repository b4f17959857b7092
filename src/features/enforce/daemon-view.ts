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
import type { ImageSpec } from '../../models/image-spec.ts';
import { imageFromInspect } from '../../doors/engine/image.ts';
import {
  ContainerInspectSchema,
  ExecInspectSchema,
  ImageInspectSchema,
  PluginInspectSchema,
  VolumeInspectSchema,
  parseEngine,
  type ContainerInspect,
  type PluginInspect,
  type VolumeInspect,
} from '../../doors/engine/inspect-schema.ts';
import type * as v from 'valibot';

export type ExecInspect = v.InferOutput<typeof ExecInspectSchema>;

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
  private negotiated: Promise<void> | undefined;

  constructor(endpoint: Endpoint, timeoutMs: number) {
    // The plugin starts before dockerd (which will not start without it): nothing is asked until a start is judged.
    this.client = new EngineClient({ endpoint, timeoutMs, maxConcurrency: 16 });
    this.display = endpoint.display;
  }

  container(id: string): Promise<ContainerInspect | undefined> {
    return this.get(`/containers/${encodeURIComponent(id)}/json`, (raw, what) => parseEngine(ContainerInspectSchema, raw, what));
  }

  volume(name: string): Promise<VolumeInspect | undefined> {
    return this.get(`/volumes/${encodeURIComponent(name)}`, (raw, what) => parseEngine(VolumeInspectSchema, raw, what));
  }

  exec(id: string): Promise<ExecInspect | undefined> {
    return this.get(`/exec/${encodeURIComponent(id)}/json`, (raw, what) => parseEngine(ExecInspectSchema, raw, what));
  }

  plugin(name: string): Promise<PluginInspect | undefined> {
    return this.get(`/plugins/${encodeURIComponent(name)}/json`, (raw, what) => parseEngine(PluginInspectSchema, raw, what));
  }

  image(ref: string): Promise<ImageSpec | undefined> {
    return this.get(`/images/${encodeURIComponent(ref)}/json`, (raw, what) => imageFromInspect(parseEngine(ImageInspectSchema, raw, what)));
  }

  close(): void {
    this.client.close();
  }

  private async get<T>(path: string, parse: (raw: unknown, what: string) => T): Promise<T | undefined> {
    this.negotiated ??= this.client.negotiate().catch((e: unknown) => {
      this.negotiated = undefined;
      throw e;
    });
    await this.negotiated;
    const raw = await this.client.getJson(path, { allowMissing: true });
    return raw === undefined ? undefined : parse(raw, `GET ${path}`);
  }
}
