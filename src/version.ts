import { createRequire } from 'node:module';

/** The package version, read once from package.json so it is never written twice. */
export const TOOL_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
