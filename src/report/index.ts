import type { ScanResult } from '../engine/types.js';
import { maskResult } from './mask.js';
import { renderCodeClimate } from './codeclimate.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit' | 'codeclimate' | 'html';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'junit', 'codeclimate', 'html'];

export interface RenderOptions {
  /** Only the text format colours; the others are data and ignore it. */
  color: boolean;
  /** Text only: also print suppressed findings. JSON and SARIF always include them, flagged. */
  showSuppressed?: boolean;
  /** Text only: also print findings the baseline accepts. JSON and SARIF always include them, flagged. */
  showBaselined?: boolean;
}

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export { maskFinding, maskResult, maskSecrets } from './mask.js';

/**
 * Every format ends with a newline, so the caller writes the string as is. The result is masked here, once,
 * before any reporter sees it (see ./mask.ts): a format added to this switch needs nothing more.
 */
export function render(format: OutputFormat, unmasked: ScanResult, opts: RenderOptions): string {
  const result = maskResult(unmasked);
  switch (format) {
    case 'text':
      return renderText(result, opts);
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'junit':
      return renderJunit(result);
    case 'codeclimate':
      return renderCodeClimate(result);
    case 'html':
      return renderHtml(result);
  }
}
