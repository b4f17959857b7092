import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// Both packages are CommonJS: under Node's ESM the class is the module object's `default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** A strict draft 2020-12 validator with formats (uri, date-time) checked. */
export function compileSchema(schema: object, opts: { strict?: boolean; refs?: Record<string, object> } = {}): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: opts.strict ?? true });
  addFormats(ajv);
  // Other schemas `schema` refers to, by the name its $refs use (`finding.schema.json`).
  for (const [key, s] of Object.entries(opts.refs ?? {})) ajv.addSchema(s, key);
  return ajv.compile(schema);
}

export function readJson(path: string | URL): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export const FINDING_SCHEMA_URL = new URL('../../../docs/finding.schema.json', import.meta.url);

export const ALERT_SCHEMA_URL = new URL('../../../docs/alert.schema.json', import.meta.url);
