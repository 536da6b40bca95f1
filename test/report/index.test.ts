import { describe, expect, it } from 'vitest';
import { isOutputFormat, OUTPUT_FORMATS, render } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderHtml } from '../../src/report/html.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { sampleResult } from './sample.js';

describe('render', () => {
  it('dispatches each format to its reporter', () => {
    const result = sampleResult();
    expect(OUTPUT_FORMATS).toEqual(['text', 'json', 'sarif', 'junit', 'codeclimate', 'html']);
    expect(render('text', result, { color: false })).toBe(renderText(result, { color: false }));
    expect(render('text', result, { color: false, showSuppressed: true })).toBe(
      renderText(result, { color: false, showSuppressed: true }),
    );
    expect(render('json', result, { color: true })).toBe(renderJson(result));
    expect(render('sarif', result, { color: true })).toBe(renderSarif(result));
    expect(render('html', result, { color: true })).toBe(renderHtml(result));
  });

  it('recognises format names', () => {
    expect(OUTPUT_FORMATS.every(isOutputFormat)).toBe(true);
    expect(isOutputFormat('xml')).toBe(false);
    expect(isOutputFormat('JSON')).toBe(false);
  });
});
