import { Worker } from 'node:worker_threads';
import type { TaintSetup } from '../dataflow/engine.js';
import type { FileResult, FileTask } from './analyze.js';
import type { WorkerSetup } from './setup.js';

/** Messages between the pool and its workers. */
export type ToWorker = { type: 'taint'; taint: TaintSetup } | { type: 'task'; index: number; task: FileTask } | { type: 'stop' };
export type FromWorker =
  | { type: 'result'; index: number; result: FileResult }
  | { type: 'fatal'; message: string };

const IN_FLIGHT_PER_WORKER = 2;

export interface Pool {
  /**
   * Analyses the tasks. Files go out largest first (a big file dispatched last would leave the other threads
   * idle); results come back in the order of `tasks`, so the output does not depend on the number of workers
   * or on timing. `taint` completes the setup the workers started with.
   */
  run(tasks: readonly FileTask[], sizes: readonly number[], taint?: TaintSetup): Promise<FileResult[]>;
  /** Stops the workers without running anything (a scan that failed before its tasks were known). */
  close(): void;
}

/**
 * Starts `jobs` worker threads, each with its own parser. They load the rules and the grammar while the main
 * thread is still deciding what to send them (the taint pre-pass reads every file), so that start-up is not
 * paid after it.
 */
export function startPool(setup: WorkerSetup, jobs: number): Pool {
  const workers: Worker[] = [];
  for (let i = 0; i < Math.max(1, jobs); i++) workers.push(new Worker(new URL('./worker.js', import.meta.url), { workerData: setup }));
  const stop = () => {
    for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  return {
    close: stop,
    run(tasks, sizes, taint) {
      const order = tasks.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
      const results: FileResult[] = new Array(tasks.length);
      let next = 0;
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
          for (const w of workers) void w.terminate();
          reject(err);
        };
        const feed = (w: Worker) => {
          if (next < order.length) {
            const index = order[next++];
            w.postMessage({ type: 'task', index, task: tasks[index] } satisfies ToWorker);
          }
        };
        for (const w of workers) {
          w.on('message', (msg: FromWorker) => {
            if (msg.type === 'fatal') {
              fail(new Error(`worker failed: ${msg.message}`));
              return;
            }
            results[msg.index] = msg.result;
            done++;
            if (done === tasks.length) {
              stop();
              resolve(results);
            } else {
              feed(w);
            }
          });
          w.on('error', (err) => fail(err));
          w.on('exit', (code) => {
            if (code !== 0 && done < tasks.length) fail(new Error(`worker exited with status ${code}`));
          });
          if (taint) w.postMessage({ type: 'taint', taint } satisfies ToWorker);
          for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) feed(w);
        }
      });
    },
  };
}
