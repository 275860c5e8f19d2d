/**
 * A small pool of worker threads (parallel/worker.ts). `map` hands tasks out as workers come free
 * and returns the results in the order of the tasks, so whatever the number of workers and however
 * the tasks are scheduled, the caller sees the same sequence: that is what keeps `--workers N`
 * runs identical to one worker.
 */
import { existsSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { Worker } from 'worker_threads';
import { ROOT } from '../io/root';
import type { Task, TaskResult } from './tasks';

/** The compiled worker script (next to this file when running from dist/, else dist/ of the package). */
export function workerScript(): string {
  for (const f of [join(__dirname, 'worker.js'), join(ROOT, 'dist', 'parallel', 'worker.js')]) if (existsSync(f)) return f;
  throw new Error('the worker script dist/parallel/worker.js is missing: run npm run build');
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export class WorkerPool {
  private workers: Worker[] = [];
  private closed = false;

  constructor(readonly size: number) {
    const script = workerScript();
    for (let i = 0; i < size; i++) this.workers.push(new Worker(script));
  }

  /** Runs every task, at most one per worker at a time; results in task order. The first error
   *  (a task's exception, or a worker that dies) rejects, and the pool is then unusable. */
  map<K extends Task['kind']>(tasks: Array<Extract<Task, { kind: K }>>): Promise<Array<TaskResult<K>>> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    const results = new Array<TaskResult<K>>(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        for (const w of this.workers) w.removeAllListeners();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      if (!tasks.length) return resolve(results);
      const feed = (w: Worker) => {
        if (next >= tasks.length) return;
        const index = next++;
        w.removeAllListeners();
        w.once('message', (msg: { ok: true; result: string } | { ok: false; error: string }) => {
          if (!msg.ok) return fail(new Error(msg.error));
          results[index] = JSON.parse(msg.result) as TaskResult<K>;
          if (++done === tasks.length) {
            for (const x of this.workers) x.removeAllListeners();
            resolve(results);
          } else feed(w);
        });
        w.once('error', fail);
        w.once('exit', (code) => fail(new Error(`a worker thread exited (code ${code}) during a task`)));
        w.postMessage(JSON.stringify(tasks[index]));
      };
      for (const w of this.workers) feed(w);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
