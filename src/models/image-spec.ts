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
  /**
   * Facts from the image's merged file system (`moat scan` reads the layers);
   * `undefined` where only the configuration was read (`moat audit`): rules on files then
   * say they did not check, never pass.
   */
  files?: ImageFileFacts;
}

/** One entry of the merged file system that a rule points at. */
export interface ImageFileRef {
  /** Inside the image root, no leading slash: `usr/bin/passwd`. */
  path: string;
  /** Permission bits (07777) of the entry. */
  mode: number;
  uid: number;
  gid: number;
  /** diff_id of the layer that wrote it, and its position (0 = base), when known. */
  layer?: { index: number; diffId: string };
}

/** A secret found in a file's contents; the value itself is never kept, only its mask. */
export interface ImageFileSecret {
  path: string;
  /** 1-based line of the match. */
  line: number;
  /** Pattern id (`aws-access-key-id`) and label (`AWS access key id`) from src/secrets. */
  kind: string;
  label: string;
  masked: string;
  layer?: { index: number; diffId: string };
}

export type ToolCategory = 'sshd' | 'package-manager' | 'compiler' | 'shell';

/** What the image reader learnt from the file tree, built in one place (src/doors/image/files/facts.ts). */
export interface ImageFileFacts {
  /** Regular files with the setuid (04000) or setgid (02000) bit, sorted by path. */
  setuid: ImageFileRef[];
  /** Regular files and directories writable by anyone under system paths (see facts.ts for which), sorted. */
  worldWritable: ImageFileRef[];
  secrets: ImageFileSecret[];
  /** Files that were candidates for the secret scan but could not be read (too large), with why. */
  secretsNotChecked: Array<{ path: string; reason: string }>;
  /** Tools a final image rarely needs, each with the paths that prove it is there. */
  tools: Array<{ category: ToolCategory; name: string; paths: string[] }>;
  /** Entries in the merged view (metadata of all of them was read). */
  entries: number;
}

export interface ImageHistoryEntry {
  /** The step as the builder recorded it: `/bin/sh -c #(nop)  ENV A=b`, `RUN /bin/sh -c make # buildkit`. */
  createdBy: string;
  /** ISO time of the step, when recorded. */
  created?: string;
  /** Bytes the step added; 0 for metadata-only steps. */
  size: number;
}
