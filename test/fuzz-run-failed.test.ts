/**
 * A generated scenario whose kernel run fails (a hung step, a crashed driver) stops `fuzz` with the
 * scenario and its index, so that it can be saved and run again alone. A stand-in kernel (the
 * model itself) fails on the third scenario.
 */
import { describe, expect, test } from '@jest/globals';
import { fuzz, FuzzRunFailed, type KernelRunner } from '../checker/fuzz';
import { linux } from '../model/policies/linux';
import { execute } from '../run/machine';

describe('fuzz when a kernel run fails', () => {
  test('rejects with the scenario, its index and the cause; a run stopped by Ctrl-C keeps its own error', async () => {
    const runs: string[] = [];
    const hang = new Error('the kernel driver did not answer within 15 s (a step hung); it was stopped');
    const kernel: KernelRunner = {
      async run(s) {
        runs.push(s.name);
        if (runs.length === 3) throw hang;
        const trace = execute(s, linux);
        return { trace, steps: s.steps.length };
      },
    };
    const failed = await fuzz(kernel, { runs: 10, seed: 7, policy: linux }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FuzzRunFailed);
    const f = failed as FuzzRunFailed;
    expect([f.index, f.scenario.name, f.cause]).toEqual([2, 'fuzz-7-2', hang]);
    expect(f.message).toBe('generated scenario 2 (fuzz-7-2) failed on the kernel: the kernel driver did not answer within 15 s (a step hung); it was stopped');
    expect(runs).toEqual(['fuzz-7-0', 'fuzz-7-1', 'fuzz-7-2']);
    // Interrupted (Ctrl-C): the kernel's error as it is, not a scenario to keep.
    runs.length = 0;
    let stop = false;
    const interrupting: KernelRunner = {
      async run() {
        stop = true;
        throw hang;
      },
    };
    await expect(fuzz(interrupting, { runs: 3, seed: 7, policy: linux, interrupted: () => stop })).rejects.toBe(hang);
  });
});
