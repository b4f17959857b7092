/**
 * The report formats, apart from their renderers (index.ts): a command checks `--format`
 * before it has a report, and `moat lint` writing JSON never loads the others.
 */
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
