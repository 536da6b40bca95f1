import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Finding, NoticeKind } from '../../src/findings/types.js';
import { CONFIDENCES, SEVERITIES } from '../../src/findings/types.js';
import { renderJson } from '../../src/report/json.js';
import { repoRoot, sampleResult } from './sample.js';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'docs/json-report.schema.json'), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

/** Every notice kind; the Record makes the compiler reject this list when NoticeKind changes. */
const NOTICE_KINDS = Object.keys({
  'syntax-error': 1,
  'decode-error': 1,
  unreadable: 1,
  binary: 1,
  'too-large': 1,
  'symlink-outside-root': 1,
  'symlink-loop': 1,
  'internal-error': 1,
  'manifest-error': 1,
  'unchecked-dependency': 1,
  'advisory-data': 1,
  'expired-ignore': 1,
  'lock-file': 1,
  minified: 1,
  'taint-budget': 1,
  'special-file': 1,
  'time-budget': 1,
  cache: 1,
} satisfies Record<NoticeKind, 1>);

function parse(text: string) {
  return JSON.parse(text);
}

describe('renderJson', () => {
  it('validates against docs/json-report.schema.json', () => {
    const report = parse(renderJson(sampleResult()));
    const ok = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('writes the versioned envelope', () => {
    const text = renderJson(sampleResult());
    expect(text.endsWith('}\n')).toBe(true);
    const report = parse(text);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'root', 'findings', 'notices', 'stats', 'rules']);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'krait', version: '0.1.0' });
    expect(report.root).toBe('/home/dev/my shop');
  });

  it('round-trips every finding field, suppressed findings included', () => {
    const result = sampleResult();
    const report = parse(renderJson(result));
    expect(report.findings).toStrictEqual(JSON.parse(JSON.stringify(result.findings)));
    expect(report.findings).toHaveLength(3);
    expect(report.findings[1].suppression).toEqual({ kind: 'nosec', line: 20, ids: ['B602'] });
    // Optional fields are left out, never null.
    expect('trace' in report.findings[2]).toBe(false);
    expect('suppression' in report.findings[0]).toBe(false);
    expect(report.findings[0].location.path).toBe('app/views.py');
    expect(report.findings[2].location.path).toBe('lib/run tools.py');
  });

  it('round-trips notices, stats and rule metadata', () => {
    const result = sampleResult();
    const report = parse(renderJson(result));
    expect(report.notices).toEqual(result.notices);
    expect('line' in report.notices[1]).toBe(false);
    expect(report.stats).toEqual(result.stats);
    expect(report.rules).toEqual(result.rules.map((r) => r.meta));
    expect(Object.keys(report.rules[0])).toEqual([
      'id',
      'name',
      'summary',
      'severity',
      'confidence',
      'cwe',
      'owasp',
      'sources',
      'defaultEnabled',
    ]);
  });

  it('does not leak fields the schema does not describe', () => {
    const result = sampleResult();
    const internal = { ...result.findings[0], astNode: { type: 'call' } } as Finding;
    internal.location = { ...internal.location, byteOffset: 120 } as Finding['location'];
    result.findings = [internal];
    const report = parse(renderJson(result));
    expect(validate(report)).toBe(true);
    expect(report.findings[0].astNode).toBeUndefined();
    expect(report.findings[0].location.byteOffset).toBeUndefined();
  });

  it('has a schema that rejects what it should', () => {
    const good = parse(renderJson(sampleResult()));
    const mutate = (f: (r: typeof good) => void) => {
      const copy = structuredClone(good);
      f(copy);
      return validate(copy);
    };
    expect(mutate((r) => (r.findings[0].extra = 1))).toBe(false);
    expect(mutate((r) => (r.findings[0].location.extra = 1))).toBe(false);
    expect(mutate((r) => (r.findings[0].severity = 'severe'))).toBe(false);
    expect(mutate((r) => (r.findings[0].confidence = 'certain'))).toBe(false);
    expect(mutate((r) => delete r.findings[0].fingerprint)).toBe(false);
    expect(mutate((r) => (r.notices[0].kind = 'oops'))).toBe(false);
    expect(mutate((r) => (r.stats.skippedByReason.oops = 1))).toBe(false);
    expect(mutate((r) => (r.findings[0].location.path = '/abs/path.py'))).toBe(false);
    expect(mutate((r) => (r.schemaVersion = 2))).toBe(false);
    expect(mutate((r) => (r.findings[0].trace = null))).toBe(false);
  });

  it('has schema enums that match the TypeScript types', () => {
    expect(schema.definitions.severity.enum).toEqual([...SEVERITIES]);
    expect(schema.definitions.confidence.enum).toEqual([...CONFIDENCES]);
    expect([...schema.definitions.noticeKind.enum].sort()).toEqual([...NOTICE_KINDS].sort());
  });
});
