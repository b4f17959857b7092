/**
 * Errors Moat expects and reports as one line, never as a stack trace. The kind decides
 * the exit code: `usage` and `config` → 2, `incomplete` → 3 (the result would be partial).
 */
export type MoatErrorKind = 'usage' | 'config' | 'incomplete';

export class MoatError extends Error {
  readonly kind: MoatErrorKind;
  constructor(kind: MoatErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MoatError';
    this.kind = kind;
  }
}

/** `file:line:col: message` — the one format for errors located in a file. */
export function locatedMessage(file: string, line: number | undefined, column: number | undefined, message: string): string {
  return `${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}: ${message}`;
}
