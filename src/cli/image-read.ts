import type { ImageScanOptions } from '../doors/image/scan.ts';
import type { ImageTarget } from '../doors/image/target.ts';
import { MoatError } from '../util/errors.ts';
import type { CommandIO } from './commands/audit.ts';
import { Progress } from './progress.ts';

/** The command-line settings every command that reads an image takes. */
export interface ImageReadFlags {
  platform?: string;
  host?: string;
  'insecure-registry'?: string[];
  timeout?: string;
}

/** Refuses a malformed --platform or --timeout (before any work starts); the timeout in ms. */
export function checkImageReadFlags(command: string, flags: ImageReadFlags): number | undefined {
  if (flags.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(flags.platform)) {
    throw new MoatError('usage', `${command}: --platform "${flags.platform}" is not os/arch[/variant] (like linux/amd64 or linux/arm64/v8)`);
  }
  if (flags.timeout !== undefined && (!/^\d+$/.test(flags.timeout) || Number(flags.timeout) <= 0)) {
    throw new MoatError('usage', `${command}: --timeout takes a positive whole number of milliseconds, not "${flags.timeout}"`);
  }
  return flags.timeout === undefined ? undefined : Number(flags.timeout);
}

/**
 * Checks the flags, then runs `read` with the options that reach the image: engine or registry
 * endpoint, platform, a signal that Ctrl-C and SIGTERM abort (so nothing half-read is
 * reported), and progress on a terminal. The handlers and the progress line are gone
 * when it returns, whatever happened.
 */
export async function withImageRead<T>(command: string, target: ImageTarget, flags: ImageReadFlags, io: CommandIO, read: (options: ImageScanOptions) => Promise<T>): Promise<T> {
  const timeoutMs = checkImageReadFlags(command, flags);
  const { resolveEndpoint } = await import('../doors/engine/endpoint.ts');
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => controller.abort(new MoatError('incomplete', `interrupted (${sig}): nothing was written`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = io.stderr.isTTY ? new Progress(io.stderr) : undefined;
  const engine = target.kind === 'engine' ? { endpoint: resolveEndpoint(io.env, flags.host), ...(timeoutMs ? { timeoutMs } : {}) } : undefined;
  // dockerd writes a whole `docker save` to its disk before the first byte: the export is asked
  // for before `read` loads the analysers, which then load while dockerd works.
  const started = target.kind === 'engine' && engine ? (await import('../doors/image/sources/engine-export.ts')).startEngineExport(target.reference, engine, controller.signal) : undefined;
  try {
    // Two short round trips (ping, inspect) before the export is asked for; loading first
    // would hold them for the whole load (about 100 ms measured), and dockerd with them.
    await started?.sent;
    return await read({
      signal: controller.signal,
      ...(flags.platform ? { platform: flags.platform } : {}),
      ...(engine ? { engine: { ...engine, ...(started ? { started } : {}) } } : {}),
      ...(target.kind === 'registry' ? { registry: { env: io.env, ...(flags['insecure-registry'] ? { insecure: flags['insecure-registry'] } : {}), ...(timeoutMs ? { timeoutMs } : {}) } } : {}),
      ...(progress ? { onBytes: (n: number) => progress.add(n), onLayer: () => progress.layerDone() } : {}),
    });
  } finally {
    started?.cancel();
    progress?.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
