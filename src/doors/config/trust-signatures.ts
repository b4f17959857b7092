import { isAbsolute, join } from 'node:path';
import type * as v from 'valibot';
import type { Location } from '../../models/location.ts';
import { loadPublicKeyFile } from '../signatures/keys.ts';
import type { Signer, SignaturePolicy } from '../signatures/policy.ts';
import { loadTrustedRoot, type SigstoreTrustedRoot } from '../signatures/trusted-root.ts';
import { MoatError } from '../../util/errors.ts';
import type { SignatureEntrySchema } from './schema.ts';

/**
 * moat.yaml's `trust.signatures` made usable: key files read now (relative to moat.yaml),
 * so a missing or malformed key is an error at its line, not a verdict at the first image.
 */
export function resolveSignaturePolicy(
  entries: v.InferOutput<typeof SignatureEntrySchema>[],
  dir: string,
  locate: (path: (string | number)[]) => Location,
  fail: (where: Location, message: string) => never,
): SignaturePolicy {
  return {
    entries: entries.map((e, i) => {
      const signers: Signer[] = [];
      for (const [k, file] of (e.keys ?? []).entries()) {
        try {
          signers.push({ kind: 'key', key: loadPublicKeyFile(isAbsolute(file) ? file : join(dir, file)) });
        } catch (err) {
          if (!(err instanceof MoatError)) throw err;
          fail(locate([i, 'keys', k]), err.message);
        }
      }
      for (const id of e.identities ?? []) signers.push({ kind: 'identity', subject: id.subject, issuer: id.issuer });
      let root: SigstoreTrustedRoot | undefined;
      if (e.trustedRoot !== undefined) {
        try {
          root = loadTrustedRoot(isAbsolute(e.trustedRoot) ? e.trustedRoot : join(dir, e.trustedRoot));
        } catch (err) {
          if (!(err instanceof MoatError)) throw err;
          fail(locate([i, 'trustedRoot']), err.message);
        }
      } else if (e.identities?.length) fail(locate([i, 'identities']), 'keyless identities need a trustedRoot (a Sigstore trusted_root.json, from `cosign trusted-root create` or your TUF mirror) to check their certificates against');
      const where = locate([i]);
      return {
        images: e.images,
        signers,
        requireDigest: e.requireDigest === 'true',
        ...(root ? { root } : {}),
        ...(e.references ? { references: e.references } : {}),
        at: `${where.file}${where.line !== undefined ? `:${where.line}` : ''}`,
      };
    }),
  };
}
