/**
 * Why talking to the engine failed, in words a user can act on. `kind` lets the CLI
 * choose the exit code without parsing messages.
 */
export type EngineErrorKind = 'unreachable' | 'permission' | 'gone' | 'timeout' | 'http' | 'protocol' | 'config';

export class EngineError extends Error {
  readonly kind: EngineErrorKind;
  readonly status?: number;
  constructor(kind: EngineErrorKind, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.kind = kind;
    this.status = options?.status;
  }
}
