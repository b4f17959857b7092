import type { Healthcheck } from './container-spec.ts';

/**
 * An image's configuration (the parts rules judge). Layers and the merged file system
 * arrive with the image-scanning work; until then this holds what the engine's
 * image inspect reports.
 */
export interface ImageSpec {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created?: string;
  user?: string;
  env: string[];
  exposedPorts: string[];
  entrypoint?: string[];
  cmd?: string[];
  healthcheck?: Healthcheck;
  labels: Record<string, string>;
  /** Build steps from `GET /images/{id}/history`, newest first as the engine lists them; `undefined` when not read (only rules that need it cause the read). */
  history?: ImageHistoryEntry[];
}

export interface ImageHistoryEntry {
  /** The step as the builder recorded it: `/bin/sh -c #(nop)  ENV A=b`, `RUN /bin/sh -c make # buildkit`. */
  createdBy: string;
  /** ISO time of the step, when recorded. */
  created?: string;
  /** Bytes the step added; 0 for metadata-only steps. */
  size: number;
}
