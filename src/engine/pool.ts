import { Worker } from 'node:worker_threads';
import type { FileResult, FileTask } from './analyze.js';
import type { WorkerSetup } from './setup.js';

/** Messages between the pool and its workers. */
export type ToWorker = { type: 'task'; index: number; task: FileTask } | { type: 'stop' };
export type FromWorker =
  | { type: 'result'; index: number; result: FileResult }
  | { type: 'fatal'; message: string };

const IN_FLIGHT_PER_WORKER = 2;

/**
 * Analyses files on `jobs` worker threads, each with its own parser. Files go out largest first (a big file
 * dispatched last would leave the other threads idle); results come back in the order of `tasks`, so the
 * output does not depend on the number of workers or on timing.
 */
export function runPool(tasks: readonly FileTask[], sizes: readonly number[], setup: WorkerSetup, jobs: number): Promise<FileResult[]> {
  const order = tasks.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const results: FileResult[] = new Array(tasks.length);
  const workerCount = Math.max(1, Math.min(jobs, tasks.length));
  let next = 0;
  let done = 0;

  return new Promise((resolve, reject) => {
    if (tasks.length === 0) {
      resolve(results);
      return;
    }
    const workers: Worker[] = [];
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
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: setup });
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (msg.type === 'fatal') {
          fail(new Error(`worker failed: ${msg.message}`));
          return;
        }
        results[msg.index] = msg.result;
        done++;
        if (done === tasks.length) {
          for (const x of workers) x.postMessage({ type: 'stop' } satisfies ToWorker);
          resolve(results);
        } else {
          feed(w);
        }
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        if (code !== 0 && done < tasks.length) fail(new Error(`worker exited with status ${code}`));
      });
      for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) feed(w);
    }
  });
}
