import { ALERT_SCHEMA_URL, FINDING_SCHEMA_URL, compileSchema, readJson } from '../../../report/test-support/ajv.ts';

export const alertSchema = readJson(ALERT_SCHEMA_URL) as { properties: { schemaVersion: { const: string }; kind: { enum: string[] } } };
/** docs/alert.schema.json, with the finding shape it refers to from docs/finding.schema.json. */
export const validateAlert = compileSchema(alertSchema, { refs: { 'finding.schema.json': readJson(FINDING_SCHEMA_URL) as object } });
