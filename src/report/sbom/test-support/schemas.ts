import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// CommonJS packages: under Node's ESM the class is the module object's `default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const require = createRequire(import.meta.url);
const cdxDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res/schema');
const read = (p: string): Record<string, unknown> => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

function draft07(): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // CycloneDX uses two draft-2019 formats ajv-formats lacks; the CycloneDX library adds
  // them through ajv-formats-draft2019. Moat writes neither (no e-mails, IRIs are URLs).
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  return ajv;
}

/** CycloneDX 1.6, from the schemas @cyclonedx/cyclonedx-library ships (with its SPDX licence list and JSF). */
export function cycloneDxValidator(): ValidateFunction {
  const ajv = draft07();
  // The bom schema refers to its neighbours by file name; register them under those names.
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    const s = read(join(cdxDir, name));
    delete s.$id;
    ajv.addSchema(s, `http://cyclonedx.org/schema/${name}`);
  }
  return ajv.compile(read(join(cdxDir, 'bom-1.6.SNAPSHOT.schema.json')));
}

/** SPDX 2.3, vendored from the SPDX specification (test/schemas/spdx-2.3/README.md says whence). */
export function spdxValidator(): ValidateFunction {
  return draft07().compile(read(join(import.meta.dirname, '../../../../test/schemas/spdx-2.3/spdx-schema.json')));
}
