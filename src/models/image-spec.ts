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
}
