/**
 * What `moat harden` works on: the original workload as a ContainerSpec (the model rules
 * read) plus a create request that reproduces it. Doors produce it: the inspect door for a
 * container, the compose door (through the container compose created) for
 * `compose-file:service`. Everything downstream reads only this.
 */
import * as v from 'valibot';
import type { ContainerSpec } from '../../models/container-spec.ts';
import { parseEngine } from '../../doors/engine/inspect-schema.ts';

/** The body of `POST /containers/create`: Config fields at the top, HostConfig nested. Unread fields pass through to the engine untouched. */
export interface CreateBody {
  Image: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, unknown>;
  HostConfig: HostConfigBody;
  [field: string]: unknown;
}

export interface HostConfigBody {
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
  PublishAllPorts?: boolean;
  SecurityOpt?: string[] | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  ReadonlyRootfs?: boolean;
  Tmpfs?: Record<string, string> | null;
  Memory?: number;
  MemorySwap?: number;
  PidsLimit?: number | null;
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
  AutoRemove?: boolean;
  LogConfig?: { Type: string; Config: Record<string, string> };
  Links?: string[] | null;
  Runtime?: string;
  [field: string]: unknown;
}

export interface HardenTarget {
  /** As the user named it: `web`, or `compose.yaml:web`. */
  label: string;
  /** The service key the compose override uses. */
  service: string;
  /** The original's model, for the checks and inferences that read settings. */
  spec: ContainerSpec;
  /** A create request that reproduces the original (same image by id, same configuration). */
  create: CreateBody;
  /** Networks besides `HostConfig.NetworkMode` the original is attached to (joined after create). */
  extraNetworks: string[];
  /** The image's own USER (for a user proposal when the container overrides it with root). */
  imageUser?: string;
  /** Facts about how the target was read that the result should mention. */
  notes: string[];
}

/** The fields of `GET /containers/{id}/json` a copy is made from; the rest of Config and HostConfig pass through. */
export const CopySourceSchema = v.object({
  Id: v.string(),
  Name: v.nullish(v.string()),
  Image: v.string(),
  Config: v.looseObject({
    Image: v.nullish(v.string()),
    User: v.nullish(v.string()),
    Labels: v.nullish(v.record(v.string(), v.string())),
    ExposedPorts: v.nullish(v.record(v.string(), v.unknown())),
  }),
  HostConfig: v.looseObject({
    NetworkMode: v.nullish(v.string()),
    Runtime: v.nullish(v.string()),
  }),
  NetworkSettings: v.nullish(v.object({ Networks: v.nullish(v.record(v.string(), v.unknown())) })),
});

/** The create request that reproduces an inspected container. */
export function createBodyFromInspect(raw: unknown, what: string): { create: CreateBody; extraNetworks: string[] } {
  const c = parseEngine(CopySourceSchema, raw, what);
  // Hostname is the original's short id and stdin was for an attached client: the copy gets its own and none.
  const { Hostname: _h, Domainname: _d, AttachStdin: _a, OpenStdin: _o, StdinOnce: _s, Image: _i, ...config } = c.Config as Record<string, unknown>;
  const hc = { ...(c.HostConfig as HostConfigBody) };
  const mode = hc.NetworkMode ?? 'default';
  const joined = Object.keys(c.NetworkSettings?.Networks ?? {});
  const primary = mode === 'default' ? 'bridge' : mode;
  return {
    // The image by id: the copy runs exactly the original's image even if its tag has moved since.
    create: { ...config, Image: c.Image, HostConfig: hc },
    extraNetworks: /^(host|none|container:)/.test(mode) ? [] : joined.filter((n) => n !== primary),
  };
}
