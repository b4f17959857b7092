/** The parts of CycloneDX 1.4–1.6 and SPDX 2.2–2.3 JSON documents the SBOM door reads. */
import * as v from 'valibot';

const Property = v.looseObject({ name: v.string(), value: v.optional(v.string()) });

export interface CdxComponent {
  type?: string;
  'bom-ref'?: string;
  name?: string;
  version?: string;
  purl?: string;
  properties?: Array<{ name: string; value?: string }>;
  evidence?: { occurrences?: Array<{ location?: string }> };
  components?: CdxComponent[];
}

const Component: v.GenericSchema<CdxComponent> = v.looseObject({
  type: v.optional(v.string()),
  'bom-ref': v.optional(v.string()),
  name: v.optional(v.string()),
  version: v.optional(v.string()),
  purl: v.optional(v.string()),
  properties: v.optional(v.array(Property)),
  evidence: v.optional(v.looseObject({ occurrences: v.optional(v.array(v.looseObject({ location: v.optional(v.string()) }))) })),
  components: v.optional(v.array(v.lazy(() => Component))),
});

export const CycloneDxSchema = v.looseObject({
  bomFormat: v.literal('CycloneDX'),
  specVersion: v.picklist(['1.4', '1.5', '1.6']),
  metadata: v.optional(v.looseObject({ component: v.optional(Component) })),
  components: v.optional(v.array(Component)),
});

export const SpdxSchema = v.looseObject({
  spdxVersion: v.picklist(['SPDX-2.2', 'SPDX-2.3']),
  packages: v.optional(
    v.array(
      v.looseObject({
        SPDXID: v.optional(v.string()),
        name: v.optional(v.string()),
        versionInfo: v.optional(v.string()),
        primaryPackagePurpose: v.optional(v.string()),
        sourceInfo: v.optional(v.string()),
        externalRefs: v.optional(v.array(v.looseObject({ referenceCategory: v.optional(v.string()), referenceType: v.string(), referenceLocator: v.string() }))),
      }),
    ),
  ),
});

/** The first problem, as `path: message`. */
export function firstIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'invalid';
  const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return `${where === '' ? '' : `${where}: `}${issue.message}`;
}
