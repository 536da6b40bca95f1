import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile } from './analyze-file.js';
import { warmUp } from './analyze.js';
import type { FromWorker, ToWorker } from './pool.js';
import { toAnalyzerSetup, type WorkerSetup } from './setup.js';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');
const data = workerData as WorkerSetup;
const setup = toAnalyzerSetup(data);
let taintArrived: (() => void) | undefined;
if (data.taintPending) {
  setup.taintReady = new Promise<void>((resolve) => {
    taintArrived = resolve;
  });
}

// Tasks are handled one after another: the parser is not re-entrant, and the pool keeps two in flight. The
// grammar and the query are loaded first, while the main thread still prepares the tasks.
let queue: Promise<unknown> = warmUp(setup)
  .catch(() => undefined)
  .then(() => port.postMessage({ type: 'ready' } satisfies FromWorker));
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  if (msg.type === 'taint') {
    setup.taint = msg.taint;
    delete setup.taintReady;
    taintArrived?.();
    return;
  }
  queue = queue.then(async () => {
    try {
      const result = await analyzeFile(msg.task, setup);
      port.postMessage({ type: 'result', index: msg.index, result } satisfies FromWorker);
    } catch (err) {
      port.postMessage({ type: 'fatal', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
    }
  });
});
