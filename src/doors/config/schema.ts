import * as v from 'valibot';
import { BENCHMARKS } from '../../models/cis-benchmark.ts';
import { SEVERITIES } from '../../models/finding.ts';
import { EnforceSectionSchema } from './enforce-schema.ts';
import { isoDay, nonEmpty } from './fields.ts';
import { WatchSectionSchema } from './watch-schema.ts';

/**
 * moat.yaml, version 1. Every section is optional; unknown keys are errors (a typo such
 * as `ignores:` must not silently switch a setting off). Sections that later commands
 * read (lint, scan, enforce) are added here, so one file keeps one validated shape.
 */

const tokenList = (what: string) => v.array(nonEmpty(what), `${what} must be a list`);

export const RulesSectionSchema = v.strictObject(
  {
    /** Rule ids, CIS ids (`5.5`) or sections (`5`, `1.1`), as `--skip` takes them. */
    disable: v.optional(tokenList('a rule in rules.disable')),
    /** Run only these (as `--checks`). */
    only: v.optional(tokenList('a rule in rules.only')),
    /** Rule id → severity. */
    severity: v.optional(v.record(nonEmpty('a rule id'), v.picklist(SEVERITIES, `severity must be one of ${SEVERITIES.join(', ')}`))),
  },
  'rules must be a mapping with disable, only and severity',
);

export const IgnoreSchema = v.strictObject(
  {
    /** A rule id or a CIS id. */
    rule: nonEmpty('rule'),
    /**
     * What the ignore covers; every finding of the rule when absent. `*` matches any run
     * of characters. Matched against the subject's name and id (container, image,
     * package) and, for findings in files, the file's path relative to moat.yaml.
     */
    subject: v.optional(nonEmpty('subject')),
    reason: nonEmpty('reason (say why the finding is accepted)'),
    expires: v.optional(isoDay),
  },
  'an ignore is a mapping with rule, reason, and optionally subject and expires',
);

export const SignatureIdentitySchema = v.strictObject(
  {
    /** The certificate's subject: an email or a URI (a CI workflow). */
    subject: nonEmpty('identity subject'),
    /** The OIDC issuer that vouched for it (https://token.actions.githubusercontent.com). */
    issuer: nonEmpty('identity issuer'),
  },
  'an identity is a mapping with subject and issuer',
);

export const SignatureEntrySchema = v.strictObject(
  {
    /** Image patterns: a registry (`127.0.0.1:5000`, `*.example.com`), a repository prefix (`docker.io/library`) or a glob (`ghcr.io/acme/*`). */
    images: tokenList('an image pattern in trust.signatures images'),
    /** PEM public keys (relative to moat.yaml), any one of which may have signed. */
    keys: v.optional(tokenList('a key file in trust.signatures keys')),
    identities: v.optional(v.array(SignatureIdentitySchema, 'identities must be a list of subject/issuer mappings')),
    /** Sigstore trusted_root.json (relative to moat.yaml) that keyless identities are checked against. */
    trustedRoot: v.optional(nonEmpty('trustedRoot')),
    /** `true`: tags must be pinned to digests. */
    requireDigest: v.optional(v.picklist(['true', 'false'], 'requireDigest must be true or false')),
    /** Signed docker-references accepted besides the image's own repository (mirrors). */
    references: v.optional(tokenList('a reference pattern in trust.signatures references')),
  },
  'a trust.signatures entry is a mapping with images, keys, identities, trustedRoot, requireDigest and references',
);

export const ConfigSchema = v.strictObject(
  {
    version: v.optional(v.literal('1', 'version must be 1')),
    rules: v.optional(RulesSectionSchema),
    ignore: v.optional(v.array(IgnoreSchema, 'ignore must be a list of ignores')),
    trust: v.optional(
      v.strictObject(
        {
          /** Registries images may come from: `registry.example.com`, `docker.io/library`. */
          registries: v.optional(tokenList('a registry in trust.registries')),
          /** Base images Dockerfiles may start from (`debian:12-slim`, `gcr.io/distroless/*`). */
          baseImages: v.optional(tokenList('an image in trust.baseImages')),
          /** Who must have signed which images (cosign keys or keyless identities); the first matching entry applies. */
          signatures: v.optional(v.array(SignatureEntrySchema, 'trust.signatures must be a list of entries (images, keys, identities, requireDigest, references)')),
        },
        'trust must be a mapping with registries, baseImages and signatures',
      ),
    ),
    capabilities: v.optional(
      v.strictObject(
        {
          /** Capabilities a container may add without a finding (`NET_BIND_SERVICE`). */
          allowed: v.optional(tokenList('a capability in capabilities.allowed')),
        },
        'capabilities must be a mapping with allowed',
      ),
    ),
    images: v.optional(
      v.strictObject(
        {
          /** Days after which an image's build date is a finding (image-scan-rebuild); `moat scan` uses 90 when unset. */
          maxAgeDays: v.optional(v.pipe(v.string('images.maxAgeDays must be a whole number of days'), v.trim(), v.regex(/^\d{1,5}$/, 'images.maxAgeDays must be a whole number of days (like 90)'))),
        },
        'images must be a mapping with maxAgeDays',
      ),
    ),
    sprawl: v.optional(
      v.strictObject(
        {
          /** CIS 6.1: images no container uses beyond this are a finding (daemon-image-sprawl); unset: the count is for review. */
          maxUnusedImages: v.optional(v.pipe(v.string('sprawl.maxUnusedImages must be a whole number'), v.trim(), v.regex(/^\d{1,6}$/, 'sprawl.maxUnusedImages must be a whole number (like 20)'))),
          /** CIS 6.2: stopped containers beyond this are a finding (daemon-container-sprawl). */
          maxStoppedContainers: v.optional(v.pipe(v.string('sprawl.maxStoppedContainers must be a whole number'), v.trim(), v.regex(/^\d{1,6}$/, 'sprawl.maxStoppedContainers must be a whole number (like 10)'))),
        },
        'sprawl must be a mapping with maxUnusedImages and maxStoppedContainers',
      ),
    ),
    enforce: v.optional(EnforceSectionSchema),
    watch: v.optional(WatchSectionSchema),
    /** The CIS Docker Benchmark version CIS ids are numbered in (reports, --checks, ignores); `--benchmark` wins. */
    benchmark: v.optional(v.picklist(BENCHMARKS, `must be one of ${BENCHMARKS.join(', ')}`)),
  },
  'moat.yaml must be a mapping',
);

export type MoatConfigData = v.InferOutput<typeof ConfigSchema>;
export type IgnoreData = v.InferOutput<typeof IgnoreSchema>;

/** The top-level keys, for "did you mean" on unknown ones. */
export const TOP_LEVEL_KEYS = Object.keys(ConfigSchema.entries);
