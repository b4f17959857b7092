import type { ImageTarget } from '../../doors/image/target.ts';
import type { Signer } from '../../doors/signatures/policy.ts';
import type { VerifyResult } from '../../doors/signatures/verify-image.ts';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { checkImageReadFlags } from '../image-read.ts';
import type { CommandIO } from './audit.ts';

export const VERIFY_HELP = `Usage: moat verify IMAGE [--key FILE]... [options]
       moat verify IMAGE --certificate-identity ID --certificate-oidc-issuer URL --trusted-root FILE

Checks that a trusted signer signed the image. It finds the image's cosign signatures in
its registry, both kinds: tag signatures (the sha256-<hex>.sig tag: simple-signing payloads
checked with the trusted keys, or keyless from their certificate and Rekor bundle annotations; the payload must name the image's manifest digest and its
own repository, or a reference the policy accepts) and Sigstore bundles attached as OCI
referrers (the Referrers API, else its sha256-<hex> fallback tag): signed with a trusted
key, or keyless with a Fulcio certificate that chains to the trusted root, was valid when
the Rekor entry in the bundle was integrated (its signed entry timestamp, and inclusion
proof when present, are checked) and names the trusted identity. Nothing is contacted but
the image's registry: no transparency log, certificate authority or TUF repository.

IMAGE: an engine image (verified by the registry digest it was pulled by, its RepoDigest)
or registry:REF (a tag is resolved to the digest the registry serves now).

Signers come from --key, else from moat.yaml's trust.signatures entry matching the image:
  trust:
    signatures:
      - images: [registry.example.com/team/*]
        keys: [keys/cosign.pub]         # PEM: ECDSA P-256, Ed25519 or RSA
        identities:                     # keyless signers
          - {subject: https://github.com/team/app/.github/workflows/release.yml@refs/heads/main, issuer: https://token.actions.githubusercontent.com}
        trustedRoot: sigstore/trusted_root.json
        requireDigest: true             # lint: FROM must be pinned to a digest
        references: [mirror.example.com/team/*]   # signed names accepted besides the image's own

Options:
      --key FILE            a trusted public key (PEM; repeatable: any one may have signed)
      --certificate-identity ID      keyless: the certificate's email or URI subject
      --certificate-oidc-issuer URL  keyless: the OIDC issuer that vouched for it
      --trusted-root FILE   keyless: Sigstore trusted_root.json with the Fulcio CAs and Rekor keys
      --config FILE         moat.yaml to read trust.signatures from (default: found upward)
  -H, --host URL            engine for engine images (default: DOCKER_HOST, else the local socket)
      --insecure-registry HOST  a registry that may be reached over http (repeatable)
      --timeout MS          registry or engine silence that counts as a failure
  -f, --format FORMAT       text (default) or json (signer, key, digest, where each signature was found)
  -h, --help                show this help

Exit codes: 0 verified; 1 not verified (no signature, bad signature, untrusted key,
digest or reference mismatch: one line says which); 2 usage error; 3 could not complete
(registry or engine unreachable).`;

const OPTIONS = {
  key: { type: 'string', multiple: true },
  'certificate-identity': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'trusted-root': { type: 'string' },
  config: { type: 'string' },
  host: { type: 'string', short: 'H' },
  'insecure-registry': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function verifyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('verify', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(VERIFY_HELP + '\n');
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new MoatError('usage', `verify: give one IMAGE (got ${positionals.length}; see moat verify --help)`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new MoatError('usage', `verify: unknown --format "${format}": use text or json`);
  const timeoutMs = checkImageReadFlags('verify', values);
  const keyless = [values['certificate-identity'], values['certificate-oidc-issuer'], values['trusted-root']];
  if (keyless.some((v) => v !== undefined) && keyless.some((v) => v === undefined)) {
    throw new MoatError('usage', 'verify: keyless verification takes all three of --certificate-identity, --certificate-oidc-issuer and --trusted-root');
  }

  const path = await import('node:path');
  const { parseTarget } = await import('../../doors/image/target.ts');
  const { loadPublicKeyFile } = await import('../../doors/signatures/keys.ts');
  const { signaturePolicyFor } = await import('../../doors/signatures/policy.ts');
  const { SignatureVerifier } = await import('../../features/verify/verifier.ts');
  const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');

  const { contentTrustEnabled } = await import('../../knowledge/rules/host/content-trust.ts');
  if (contentTrustEnabled(io.env.DOCKER_CONTENT_TRUST)) {
    io.stderr.write('moat: note: DOCKER_CONTENT_TRUST is set: that is Docker Content Trust (Notary v1), the older mechanism, which this command does not read; it checks the Sigstore/cosign signatures that replace it\n');
  }
  const target: ImageTarget = parseTarget(positionals[0]!);
  if (target.kind !== 'engine' && target.kind !== 'registry') throw new MoatError('usage', `verify: ${positionals[0]} is a ${target.kind}; signatures name registry digests, so give an engine image or registry:REF`);
  const { loadTrustedRoot } = await import('../../doors/signatures/trusted-root.ts');
  const keySigners: Signer[] = (values.key ?? []).map((f) => ({ kind: 'key', key: loadPublicKeyFile(path.resolve(io.cwd, f)) }));
  if (values['certificate-identity'] !== undefined) keySigners.push({ kind: 'identity', subject: values['certificate-identity'], issuer: values['certificate-oidc-issuer']! });
  const flagRoot = values['trusted-root'] !== undefined ? loadTrustedRoot(path.resolve(io.cwd, values['trusted-root'])) : undefined;
  const verifier = new SignatureVerifier({
    registry: { env: io.env, ...(values['insecure-registry'] ? { insecure: values['insecure-registry'] } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
    engine: { endpoint: resolveEndpoint(io.env, values.host), ...(timeoutMs ? { timeoutMs } : {}) },
  });
  try {
    const resolved = await verifier.resolveTarget(target);
    let result: VerifyResult;
    let policyAt: string | undefined;
    if ('reason' in resolved) {
      result = { verified: false, image: positionals[0]!, digest: '', code: 'no-signature', reason: resolved.reason, signatures: [] };
    } else {
      let signers = keySigners;
      let references: readonly string[] | undefined;
      let root = flagRoot;
      if (signers.length === 0) {
        const { loadConfig } = await import('../../doors/config/load.ts');
        const { allRules } = await import('../../knowledge/rules/index.ts');
        const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules });
        const entry = signaturePolicyFor(config.trust.signatures, resolved.reference);
        if (!entry || entry.signers.length === 0) {
          throw new MoatError('usage', `verify: no trusted signers for ${resolved.reference.name}: give --key FILE, or a trust.signatures entry matching it in moat.yaml${config.file ? ` (${config.file} has none)` : ''}`);
        }
        signers = entry.signers;
        references = entry.references;
        root = entry.root;
        policyAt = entry.at;
      }
      result = await verifier.verify(resolved, { signers, ...(references ? { references } : {}), ...(root ? { root } : {}) });
    }
    if (format === 'json') io.stdout.write(JSON.stringify({ ...result, ...(policyAt ? { policy: policyAt } : {}) }, null, 2) + '\n');
    else io.stdout.write(textVerdict(result) + '\n');
    return result.verified ? EXIT.ok : EXIT.findings;
  } finally {
    verifier.close();
  }
}

function textVerdict(r: VerifyResult): string {
  const what = r.digest ? `${r.image.replace(/@sha256:[a-f0-9]+$/, '')}@${r.digest}` : r.image;
  if (r.verified) return `verified: ${what}\n  signed by ${r.signer}\n  found at ${r.foundAt}`;
  return `not verified: ${what}: ${r.reason}`;
}
