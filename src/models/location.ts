/**
 * Where a fact was read. A file position (compose file, daemon.json, Dockerfile) has
 * `file`/`line`/`column`; a fact from a JSON document (inspect output, a create request,
 * /info) has `path` in that document. Both may be present (daemon.json key at 3:5).
 */
export interface Location {
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Dotted path inside a JSON document, e.g. `HostConfig.Privileged` or `Mounts[2]`. */
  path?: string;
}

export function formatLocation(at: Location | undefined): string {
  if (!at) return '';
  if (at.file) {
    let s = at.file;
    if (at.line !== undefined) s += `:${at.line}`;
    if (at.line !== undefined && at.column !== undefined) s += `:${at.column}`;
    return at.path ? `${s} (${at.path})` : s;
  }
  return at.path ?? '';
}
