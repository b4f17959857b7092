/** The documents `moat sbom` writes; apart from the SBOM code so the command can check a flag without loading it. */
export const SBOM_FORMATS = ['cyclonedx', 'spdx', 'table', 'json'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];
