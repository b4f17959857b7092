import { MoatError, type MoatErrorKind } from '../../util/errors.ts';

/**
 * Why reading from a registry failed. `code` lets callers branch without parsing
 * messages (the image source turns `unauthorized` into "docker login" advice, for one);
 * `kind` is MoatError's, which picks the exit code: a bad reference or option is
 * `usage`, a broken config.json or credential helper is `config`, anything the registry
 * or the network did is `incomplete` (no partial image is ever handed on).
 */
export type RegistryErrorCode =
  | 'reference'
  | 'options'
  | 'credentials'
  | 'unauthorized'
  | 'denied'
  | 'name-unknown'
  | 'manifest-unknown'
  | 'blob-unknown'
  | 'platform'
  | 'unsupported'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'too-large'
  | 'protocol'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'http'
  | 'aborted';

const KIND: Record<RegistryErrorCode, MoatErrorKind> = {
  reference: 'usage',
  options: 'usage',
  platform: 'usage',
  credentials: 'config',
  unauthorized: 'incomplete',
  denied: 'incomplete',
  'name-unknown': 'incomplete',
  'manifest-unknown': 'incomplete',
  'blob-unknown': 'incomplete',
  unsupported: 'incomplete',
  'digest-mismatch': 'incomplete',
  'size-mismatch': 'incomplete',
  'too-large': 'incomplete',
  protocol: 'incomplete',
  unreachable: 'incomplete',
  tls: 'incomplete',
  timeout: 'incomplete',
  http: 'incomplete',
  aborted: 'incomplete',
};

export class RegistryError extends MoatError {
  readonly code: RegistryErrorCode;
  readonly status?: number;
  constructor(code: RegistryErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(KIND[code], message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.status = options?.status;
  }
}
