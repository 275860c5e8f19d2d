/**
 * The driver as a child process: one command line in, one reply line out, each with a timeout.
 * `close()` lets the driver clean up (it restores the pool itself); if it does not finish in time it
 * is killed and the journal recovery runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { recoverInterruptedRuns } from './journal';

export interface Reply {
  result: string;
  value: number;
  counters: [number, number, number, number];
  /** mount index -> [blocks, bfree] as statfs reports them (-2: not a hugetlbfs mount). */
  mounts: Map<number, [number, number]>;
}

export class KernelError extends Error {}

export class DriverProcess {
  private child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  readonly ready: Promise<{ release: string; savedNr: number; savedOvercommit: number; pid: number }>;
  private stderr = '';

  constructor(path: string, private stepTimeoutMs = 10_000) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => this.onData(d));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.exitCode = code;
        this.waiting?.reject(new KernelError(`the kernel driver exited (code ${code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`));
        this.waiting = undefined;
        resolve(code);
      }),
    );
    this.child.on('error', (e) => this.waiting?.reject(new KernelError(`cannot start the kernel driver: ${e.message}`)));
    this.ready = this.nextLine(60_000).then((line) => {
      const m = /^READY (\S+) (-?\d+) (-?\d+) (\d+)$/.exec(line);
      if (!m) throw new KernelError(`the kernel driver did not start: ${line}`);
      return { release: m[1]!, savedNr: Number(m[2]), savedOvercommit: Number(m[3]), pid: Number(m[4]) };
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl: number;
    while (this.waiting && (nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(line);
    }
  }

  private nextLine(timeoutMs: number): Promise<string> {
    if (this.exitCode !== undefined) return Promise.reject(new KernelError('the kernel driver is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new KernelError(`the kernel driver did not answer within ${timeoutMs / 1000} s (a step hung); it was stopped`));
        void this.kill();
      }, timeoutMs);
      this.waiting = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.onData('');
    });
  }

  async call(line: string): Promise<Reply> {
    this.child.stdin.write(line + '\n');
    const r = await this.nextLine(this.stepTimeoutMs);
    if (r.startsWith('E ')) throw new KernelError(`kernel driver: ${r.slice(2)} (command: ${line})`);
    const f = r.split(' ');
    if (f[0] !== 'R' || f.length < 7) throw new KernelError(`kernel driver: unexpected reply "${r}" to "${line}"`);
    const mounts = new Map<number, [number, number]>();
    for (let i = 7; i + 2 < f.length; i += 3) mounts.set(Number(f[i]), [Number(f[i + 1]), Number(f[i + 2])]);
    return { result: f[1]!, value: Number(f[2]), counters: [Number(f[3]), Number(f[4]), Number(f[5]), Number(f[6])], mounts };
  }

  /** Ends the session: the driver kills its processes, unmounts, removes segments, restores both
   *  settings, and exits. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.stdin.end();
    const t = setTimeout(() => void this.kill(), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }

  /** Stops the driver the hard way, then restores from its journal. */
  async kill(): Promise<void> {
    if (this.exitCode === undefined) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(t);
    }
    recoverInterruptedRuns();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}
