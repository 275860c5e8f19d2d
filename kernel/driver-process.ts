/**
 * The driver as a child process: one command line in (its stdin), one reply line out.
 *
 * Replies come through a FIFO that only this object reads, synchronously (spinning briefly, then
 * sleeping in short slices, while the driver works): an asynchronous round trip through the event
 * loop costs about three times as much, and a scenario is a long chain of round trips. The FIFO is
 * opened before the driver starts (non-blocking, so the driver's open for writing succeeds at once);
 * end of file means the driver is gone. Every 32 calls `call` yields to the event loop, so signal
 * handlers (Ctrl-C) still run. Each reply has a deadline; a driver that misses it is stopped (its
 * clean-up runs, then the journal recovery).
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'child_process';
import type { Readable, Writable } from 'stream';
import { closeSync, constants, openSync, readSync, unlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { recoverInterruptedRuns } from './journal';

export interface Reply {
  result: string;
  value: number;
  counters: [number, number, number, number];
  /** mount index -> [blocks, bfree] as statfs reports them (-2: not a hugetlbfs mount). */
  mounts: Map<number, [number, number]>;
}

export class KernelError extends Error {}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

export class DriverProcess {
  private child: ChildProcessByStdio<Writable, null, Readable>;
  private outFd: number;
  private started = false;
  private static fifos = 0;
  private pending = '';
  private buf = Buffer.alloc(1 << 16);
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private stderr = '';
  private calls = 0;
  readonly ready: Promise<{ release: string; savedNr: number; savedOvercommit: number; pid: number }>;

  constructor(path: string, private stepTimeoutMs = 15_000) {
    const fifo = join(tmpdir(), `hugecheck-reply.${process.pid}.${DriverProcess.fifos++}`);
    execFileSync('mkfifo', ['-m', '600', fifo]);
    this.outFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    this.child = spawn(path, ['--reply', fifo], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
    this.child.stdin.on('error', () => undefined); // a write after the driver died: reported by the read
    this.ready = (async () => {
      try {
        // The driver may wait for the machine-wide lock: poll gently, yielding to the event loop.
        const deadline = Date.now() + 10 * 60_000;
        let line: string | undefined;
        while ((line = this.tryLine()) === undefined) {
          if (this.exitCode !== undefined || Date.now() > deadline) throw new KernelError(`the kernel driver did not start${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        const m = /^READY (\S+) (-?\d+) (-?\d+) (\d+)$/.exec(line);
        if (!m) throw new KernelError(`the kernel driver did not start: ${line}`);
        this.started = true;
        return { release: m[1]!, savedNr: Number(m[2]), savedOvercommit: Number(m[3]), pid: Number(m[4]) };
      } finally {
        unlinkSync(fifo);
      }
    })();
  }

  /** A complete line if one has arrived; undefined if none yet; throws at end of file. */
  private tryLine(): string | undefined {
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        return line;
      }
      let n: number;
      try {
        n = readSync(this.outFd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return undefined;
        throw new KernelError(`reading from the kernel driver: ${(e as Error).message}`);
      }
      if (n === 0) {
        // No writer: before READY the driver has not opened the FIFO yet; after it, it is gone.
        if (!this.started) return undefined;
        throw new KernelError(`the kernel driver exited${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
      }
      this.pending += this.buf.toString('utf8', 0, n);
    }
  }

  private readLine(): string {
    const deadline = Date.now() + this.stepTimeoutMs;
    for (let spins = 0; ; spins++) {
      const line = this.tryLine();
      if (line !== undefined) return line;
      if (spins > 200) sleepMs(spins > 20_000 ? 1 : 0.05);
      if ((spins & 1023) === 0 && Date.now() > deadline) {
        void this.kill();
        throw new KernelError(`the kernel driver did not answer within ${this.stepTimeoutMs / 1000} s (a step hung); it was stopped`);
      }
    }
  }

  async call(line: string): Promise<Reply> {
    if (++this.calls % 32 === 0) await new Promise((r) => setImmediate(r));
    if (this.exitCode !== undefined) throw new KernelError('the kernel driver is not running');
    this.child.stdin.write(line + '\n');
    const r = this.readLine();
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
    closeSync(this.outFd);
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
