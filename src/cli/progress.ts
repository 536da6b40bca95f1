/**
 * One progress line on stderr for scans that take a while: files done of the total, the phase, the time so
 * far. It appears only after a second (a quick scan stays silent), is redrawn at most ten times a second, and
 * is erased when the scan ends, so what stays on the terminal is the report alone.
 */
import type { ScanProgress } from '../engine/scan.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ProgressLine {
  update(p: ScanProgress): void;
  /** Erases the line, if one was drawn. */
  end(): void;
}

export interface ProgressOptions {
  /** --progress: draw even when the stream is not a terminal. */
  force?: boolean;
  /** --quiet wins over everything. */
  quiet?: boolean;
  delayMs?: number;
  intervalMs?: number;
  now?: () => number;
}

const PHASE: Record<ScanProgress['phase'], string> = { reading: 'reading files', analysing: 'analysing', taint: 'following data flows' };

export function progressLine(stream: ProgressStream, opts: ProgressOptions = {}): ProgressLine | undefined {
  if (opts.quiet || !(opts.force || stream.isTTY === true)) return undefined;
  const now = opts.now ?? (() => performance.now());
  const delay = opts.delayMs ?? 1000;
  const interval = opts.intervalMs ?? 100;
  const started = now();
  let drawn = false;
  let last = -Infinity;
  let lastPhase: ScanProgress['phase'] | undefined;
  return {
    update(p) {
      const t = now();
      if (t - started < delay) return;
      // A phase change is always shown; counts within a phase at most every `interval`.
      if (p.phase === lastPhase && t - last < interval && p.done < p.total) return;
      last = t;
      lastPhase = p.phase;
      drawn = true;
      stream.write(`\r\x1b[2Kkrait: ${PHASE[p.phase]} ${p.done}/${p.total} files, ${((t - started) / 1000).toFixed(1)}s`);
    },
    end() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
