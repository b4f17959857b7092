import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import type { Report } from './model.ts';
import { renderSarif } from './sarif.ts';
import { renderTable } from './table.ts';

import type { ReportFormat } from './formats.ts';

export { REPORT_FORMATS, type ReportFormat } from './formats.ts';

export interface RenderOptions {
  /** table: colour the text (decide with `shouldColor`). Ignored by the other formats, which never colour. */
  color?: boolean;
  /** table: also list passed and not-applicable checks and suppressed findings. */
  verbose?: boolean;
  /** table: columns to wrap rows to (`tableWidth`); without it a row is one line. */
  width?: number;
  /** sarif: files under this directory get relative URIs (the repository root in CI). */
  cwd?: string;
}

/** Renders the one Report in the chosen format. Pure: returns the text, prints nothing. */
export function renderReport(report: Report, format: ReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderTable(report, { color: opts.color ?? false, verbose: opts.verbose ?? false, width: opts.width });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { cwd: opts.cwd });
    case 'html':
      return renderHtml(report);
    default: {
      const unknown: never = format;
      throw new TypeError(`unknown report format: ${String(unknown)}`);
    }
  }
}

export { renderHtml, escapeHtml } from './html.ts';
export { renderJson } from './json.ts';
export { renderSarif, toSarif, SECURITY_SEVERITY, sarifLevel } from './sarif.ts';
export { renderTable, shouldColor, sanitize } from './table.ts';
export { tableWidth } from './wrap.ts';
