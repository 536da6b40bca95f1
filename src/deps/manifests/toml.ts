import { parse, TomlError } from 'smol-toml';

/**
 * TOML manifests parse with smol-toml, which keeps no positions; these helpers find the line a value was
 * written on, so a finding points at it.
 */
export type TomlResult = { ok: true; data: Record<string, unknown> } | { ok: false; line?: number; message: string };

export function parseTomlManifest(text: string): TomlResult {
  try {
    return { ok: true, data: parse(text, { unsafeKeyBehaviour: 'throw' }) as Record<string, unknown> };
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
      return { ok: false, line: err.line, message: `invalid TOML: ${first}` };
    }
    return { ok: false, message: `invalid TOML: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export class LineFinder {
  readonly lines: string[];
  private readonly used = new Map<string, number>();

  constructor(text: string) {
    this.lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  }

  private headers: Map<string, number[]> | undefined;

  /** 1-based line of a table header like `[tool.poetry.dependencies]` or `[[package]]` (the nth one), or 0. */
  header(name: string, nth = 0): number {
    if (!this.headers) {
      // One pass over the file: a lock file asks for the nth `[[package]]` once per package.
      this.headers = new Map();
      this.lines.forEach((line, i) => {
        if (!/^\s*\[/.test(line)) return;
        const t = line.replace(/#.*$/, '').replace(/\s+/g, '').replace(/["']/g, '');
        const list = this.headers?.get(t) ?? [];
        list.push(i + 1);
        this.headers?.set(t, list);
      });
    }
    return this.headers.get(name.replace(/\s+/g, ''))?.[nth] ?? 0;
  }

  /** First line at or after `from` (1-based) matching, before the next table header; 0 when none. */
  within(from: number, pattern: RegExp): number {
    for (let i = Math.max(from, 1); i <= this.lines.length; i++) {
      const l = this.lines[i - 1];
      if (i > from && /^\s*\[/.test(l)) return 0;
      if (pattern.test(l)) return i;
    }
    return 0;
  }

  /**
   * The line holding a string literal, taking successive occurrences on successive calls (the same requirement
   * string in two groups points at each in turn). 0 when not found.
   */
  literal(value: string): number {
    const quoted = [JSON.stringify(value), `'${value}'`];
    const skip = this.used.get(value) ?? 0;
    let seen = 0;
    for (let i = 0; i < this.lines.length; i++) {
      if (!quoted.some((q) => this.lines[i].includes(q))) continue;
      if (seen++ === skip) {
        this.used.set(value, skip + 1);
        return i + 1;
      }
    }
    return 0;
  }

  text(line: number): string {
    return this.lines[line - 1] ?? '';
  }
}

export function keyPattern(key: string): RegExp {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*(?:${k}|"${k}"|'${k}')\\s*=`, 'i');
}
