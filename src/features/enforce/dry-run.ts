/**
 * `moat enforce test`: what the plugin would decide for the create requests a `docker run`
 * line or a compose file stands for, judged by the same Enforcer (same rules, same policy,
 * bind sources resolved on this host).
 */
import { basename } from 'node:path';
import type { ContainerSpec } from '../../models/container-spec.ts';
import { formatLocation } from '../../models/location.ts';
import { containersFromCompose } from '../../doors/compose/project.ts';
import { containerFromRunArgs } from '../../doors/run-line/argv.ts';
import { findRunLines } from '../../doors/run-line/shell.ts';
import type { Enforcer, Judgement } from './enforcer.ts';

export interface DryRunSource {
  /** `--run` text, or a file's content. */
  text: string;
  /** `--run`, or the file's path. */
  file: string;
  kind: 'run' | 'compose' | 'shell';
}

export interface DryRunResult {
  /** Service name, or the run line's location. */
  what: string;
  at: string;
  judgement: Judgement;
}

export interface DryRunOptions {
  cwd: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** The authenticated user to judge as (exceptions by user). */
  user?: string;
}

const COMPOSE = /^(docker-)?compose[^/]*\.ya?ml$/i;

export function sourceKind(file: string): DryRunSource['kind'] {
  return COMPOSE.test(basename(file)) || /\.ya?ml$/i.test(file) ? 'compose' : 'shell';
}

export async function dryRun(enforcer: Enforcer, sources: readonly DryRunSource[], opts: DryRunOptions): Promise<DryRunResult[]> {
  const out: DryRunResult[] = [];
  for (const src of sources) {
    const specs: Array<{ what: string; at: string; spec: ContainerSpec }> = [];
    if (src.kind === 'compose') {
      const r = containersFromCompose(src.text, { file: src.file, cwd: opts.cwd, env: opts.env ?? {} });
      for (const spec of r.specs) specs.push({ what: spec.name, at: formatLocation(spec.where.image) || src.file, spec });
    } else {
      const lines = await findRunLines(src.text, src.file, src.kind === 'run' ? { kind: 'shell' } : {});
      for (const line of lines) {
        const { spec } = containerFromRunArgs(line.argv, { file: src.file, positions: line.positions, expansions: line.expansions, cwd: opts.cwd, env: opts.env });
        specs.push({ what: src.kind === 'run' ? line.text : spec.image, at: formatLocation(line.at), spec });
      }
    }
    for (const s of specs) out.push({ what: s.what, at: s.at, judgement: await enforcer.judgeSpec(s.spec, opts.user) });
  }
  return out;
}
