import { Worker } from 'node:worker_threads';
import type { TaintSetup } from '../dataflow/engine.js';
import type { FileResult, FileTask } from './analyze.js';
import type { WorkerSetup } from './setup.js';

/** Messages between the pool and its workers. */
export type ToWorker = { type: 'taint'; taint: TaintSetup } | { type: 'task'; index: number; task: FileTask } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; index: number; result: FileResult }
  | { type: 'fatal'; message: string };

const IN_FLIGHT_PER_WORKER = 2;

/**
 * Old-generation heap per worker. Analysing one file keeps a few MB alive (17 MB after a full collection at the
 * end of a stdlib scan); without a limit V8 lets each worker's heap grow to ~110 MB of mostly garbage and the
 * process peaks near 450 MB. With it, V8 collects sooner (peak ~330 MB, no measurable cost), and a file whose
 * analysis alone needs more (a generated module of megabytes) ends its worker instead of the machine's memory:
 * that file is reported as skipped and a fresh worker takes over.
 */
export const WORKER_HEAP_MB = 256;

export interface Pool {
  /**
   * Analyses the tasks. Files go out largest first (a big file dispatched last would leave the other threads
   * idle); results come back in the order of `tasks`, so the output does not depend on the number of workers
   * or on timing.
   */
  run(tasks: readonly FileTask[], sizes: readonly number[], onDone?: () => void): Promise<FileResult[]>;
  /** Completes the setup of workers started with `taintPending`: their files' taint steps wait for it. */
  setTaint(taint: TaintSetup): void;
  /** Stops the workers without running anything (a scan that failed before its tasks were known). */
  close(): void;
}

interface Slot {
  worker: Worker;
  /** Task indices sent and not answered, in order: the first is the one being analysed. */
  inFlight: number[];
  /** Set once the worker has loaded the rules and the grammar: one that runs out of memory before is broken. */
  ready: boolean;
}

function spawn(setup: WorkerSetup, heapMb: number): Worker {
  return new Worker(new URL('./worker.js', import.meta.url), { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
}

function isOutOfMemory(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * Starts `jobs` worker threads, each with its own parser. They load the rules and the grammar while the main
 * thread is still deciding what to send them (the taint pre-pass reads every file), so that start-up is not
 * paid after it.
 */
export function startPool(setup: WorkerSetup, jobs: number, heapMb = WORKER_HEAP_MB): Pool {
  const slots: Slot[] = [];
  for (let i = 0; i < Math.max(1, jobs); i++) slots.push({ worker: spawn(setup, heapMb), inFlight: [], ready: false });
  const stop = () => {
    for (const s of slots) s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  let taint: TaintSetup | undefined;
  return {
    close: stop,
    setTaint(t) {
      taint = t;
      for (const s of slots) s.worker.postMessage({ type: 'taint', taint: t } satisfies ToWorker);
    },
    run(tasks, sizes, onDone) {
      // Indices still to send, largest file first; a task given back by a dead worker goes to the front.
      const queue = tasks.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
      const results: FileResult[] = new Array(tasks.length);
      let done = 0;
      return new Promise((resolve, reject) => {
        if (tasks.length === 0) {
          stop();
          resolve(results);
          return;
        }
        let failed = false;
        const fail = (err: Error) => {
          if (failed) return;
          failed = true;
          for (const s of slots) void s.worker.terminate();
          reject(err);
        };
        const finish = (index: number, result: FileResult) => {
          results[index] = result;
          done++;
          onDone?.();
          if (done === tasks.length) {
            stop();
            resolve(results);
          }
        };
        const feed = (slot: Slot) => {
          const index = queue.shift();
          if (index === undefined) return;
          slot.inFlight.push(index);
          slot.worker.postMessage({ type: 'task', index, task: tasks[index] } satisfies ToWorker);
        };
        const attach = (slot: Slot) => {
          const w = slot.worker;
          let dead = false;
          const died = (err: Error, outOfMemory: boolean) => {
            if (dead || failed || done === tasks.length) return;
            dead = true;
            if (!outOfMemory || !slot.ready || slot.inFlight.length === 0) {
              fail(err);
              return;
            }
            // The worker analyses its tasks in order: the first unanswered one exhausted its heap.
            const [culprit, ...rest] = slot.inFlight;
            queue.unshift(...rest);
            slot.inFlight = [];
            const relPath = tasks[culprit].relPath;
            const message = `analysing this file needs more than the ${heapMb} MB heap a worker has; skipped`;
            finish(culprit, { relPath, analysed: false, lines: 0, findings: [], notices: [{ kind: 'too-large', path: relPath, message, skipped: true }] });
            if (done === tasks.length) return;
            slot.worker = spawn(setup, heapMb);
            slot.ready = false;
            attach(slot);
            if (taint) slot.worker.postMessage({ type: 'taint', taint } satisfies ToWorker);
            for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) feed(slot);
          };
          w.on('message', (msg: FromWorker) => {
            if (msg.type === 'fatal') {
              fail(new Error(`worker failed: ${msg.message}`));
              return;
            }
            if (msg.type === 'ready') {
              slot.ready = true;
              return;
            }
            slot.inFlight = slot.inFlight.filter((i) => i !== msg.index);
            finish(msg.index, msg.result);
            if (done < tasks.length) feed(slot);
          });
          w.on('error', (err) => died(err, isOutOfMemory(err)));
          w.on('exit', (code) => {
            if (code !== 0) died(new Error(`worker exited with status ${code}`), false);
          });
        };
        for (const slot of slots) {
          attach(slot);
          for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) feed(slot);
        }
      });
    },
  };
}
