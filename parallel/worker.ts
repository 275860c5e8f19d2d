/** A worker thread of parallel/pool.ts: runs each task it is sent (parallel/tasks.ts) and answers. */
import { parentPort } from 'worker_threads';
import { runTask, type Task } from './tasks';

// Tasks and results travel as JSON text: for many small objects that is cheaper than the structured
// clone of the objects themselves (bench: explore with workers).
parentPort!.on('message', (text: string) => {
  try {
    parentPort!.postMessage({ ok: true, result: JSON.stringify(runTask(JSON.parse(text) as Task)) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
