import type { DockerfileSpec } from '../../models/dockerfile-spec.ts';

/**
 * `moat lint --fix` for dockerfile-base-digest-required: a FROM by tag that moat.yaml's
 * trust.signatures requires to be pinned is rewritten to the digest its registry serves
 * for the tag now, and the tag is kept in a comment line above it (a Dockerfile has no
 * end-of-line comments). Only a FROM whose image is written literally (no ARG) on one
 * line is rewritten; the registry is asked only here, never by plain `moat lint`.
 */

export interface PinResult {
  before: string;
  after: string;
  applied: { rule: 'dockerfile-base-digest-required'; line: number; pinned: string }[];
}

export async function pinFromDigests(
  text: string,
  spec: DockerfileSpec,
  requires: (registry: string, repository: string) => string | undefined,
  lookup: (reference: string) => Promise<string>,
  today: string,
): Promise<PinResult> {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = (bom ? text.slice(1) : text).split(/\r?\n/);
  const pins: { line: number; at: number; raw: string; digest: string; indent: string }[] = [];
  for (const s of spec.stages) {
    const b = s.base;
    if (b.digest || b.scratch || b.usesVariable || b.stage !== undefined || b.raw !== b.resolved) continue;
    const registry = b.registry ?? 'docker.io';
    const repository = b.registry === undefined && !b.repository.includes('/') ? `library/${b.repository}` : b.repository;
    if (!requires(registry, repository)) continue;
    const line = s.from.span.line;
    if (s.from.span.endLine !== line) continue;
    const l = lines[line - 1] ?? '';
    const at = l.search(new RegExp(`(?<=\\s)${b.raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$)`));
    if (at < 0) continue;
    pins.push({ line, at, raw: b.raw, digest: await lookup(b.raw), indent: /^\s*/.exec(l)?.[0] ?? '' });
  }
  const applied: PinResult['applied'] = [];
  for (const p of [...pins].sort((a, b) => b.line - a.line)) {
    const l = lines[p.line - 1]!;
    const name = p.raw.replace(/:[^:/@]+$/, '');
    lines[p.line - 1] = `${l.slice(0, p.at)}${name}@${p.digest}${l.slice(p.at + p.raw.length)}`;
    lines.splice(p.line - 1, 0, `${p.indent}# ${p.raw} (pinned to its registry digest by moat lint --fix, ${today})`);
    applied.unshift({ rule: 'dockerfile-base-digest-required', line: p.line, pinned: `${name}@${p.digest}` });
  }
  return { before: text, after: bom + lines.join(eol), applied };
}
