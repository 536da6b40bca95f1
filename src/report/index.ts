import type { ScanResult } from '../engine/types.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'html';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'html'];

export interface RenderOptions {
  /** Only the text format colours; the others are data and ignore it. */
  color: boolean;
  /** Text only: also print suppressed findings. JSON and SARIF always include them, flagged. */
  showSuppressed?: boolean;
}

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Every format ends with a newline, so the caller writes the string as is. */
export function render(format: OutputFormat, result: ScanResult, opts: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(result, opts);
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'html':
      return renderHtml(result);
  }
}
