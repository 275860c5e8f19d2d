/**
 * A kernel session: the driver, the safety checks around it, and scenario runs.
 *
 * Before: recover what interrupted runs left (journal); refuse when huge pages are in use by
 * processes hugecheck did not start; measure the idle machine's leaked reservations (the baseline,
 * kernel-observed §0.1) and compensate: pool writes add it, counters subtract it.
 * Per scenario: refuse what would damage the machine (a partial private mremap move, or anything the
 * model says leaves the pool changed for good) unless allowed; skip `requiresCleanPool` scenarios on
 * a leaked machine. After: the driver restores both settings, unmounts and removes segments; the
 * session checks that the pool is back to what it was.
 */
import { readFileSync } from 'fs';
import { findHazards } from '../run/hazards';
import { hazardModels, kernelHazard, kernelLimits } from './admission';
import type { Counters, Scenario, Trace } from '../scenario/types';
import { runAsync, type Runner } from '../run/loop';
import { DriverProcess, KernelError } from './driver-process';
import { recoverInterruptedRuns } from './journal';
import { KernelMachine } from './machine';
import { kernelUsability } from './usable';
import { kernelForRelease, type KernelChoice } from '../model/kernels';
import type { Policy } from '../model/policy';

export class KernelUnavailable extends Error {}
export class KernelRefused extends Error {}

export type KernelRun = { trace: Trace; skipped?: undefined; steps: number } | { skipped: string; trace?: undefined; steps: 0 };

export interface RunOptions {
  /** Run scenarios that leave the pool changed until reboot (partial private mremap moves). */
  allowLeak?: boolean;
}

function rawMeminfo(): [number, number, number, number] {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const get = (k: string) => {
    const v = BigInt(new RegExp(`${k}:\\s+(\\d+)`).exec(text)?.[1] ?? '0');
    return Number(BigInt.asIntN(64, v));
  };
  return [get('HugePages_Total'), get('HugePages_Free'), get('HugePages_Rsvd'), get('HugePages_Surp')];
}

export class KernelSession {
  readonly notes: string[] = [];
  private constructor(
    private d: DriverProcess,
    readonly release: string,
    /** Leaked reservations of the idle machine. */
    public leaked: number,
    private before: { settings: [number, number]; meminfo: [number, number, number, number] },
  ) {
    this.choice = kernelForRelease(release);
    this.model = this.choice.kernel.policy;
  }

  /** The kernel registry's entry for this kernel (model/kernels.ts). */
  choice: KernelChoice;
  /** The model of this kernel: the entry's policy, or what the caller set (--kernel-model, or the
   *  entry adjusted to the known-bug probe, kernel/probe.ts). Hazards and admission ask it. */
  model: Policy;

  static async open(): Promise<KernelSession> {
    const u = kernelUsability();
    if (!u.ok) throw new KernelUnavailable(u.reason);
    const notes = recoverInterruptedRuns();
    const before = { settings: [Number(readFileSync('/proc/sys/vm/nr_hugepages', 'utf8')), Number(readFileSync('/proc/sys/vm/nr_overcommit_hugepages', 'utf8'))] as [number, number], meminfo: rawMeminfo() };
    const d = new DriverProcess(u.driver);
    const ready = await d.ready;
    // The lock is held now: read the state again (another run may have just finished).
    before.meminfo = rawMeminfo();
    const [t, f] = before.meminfo;
    if (t - f > 0) {
      await d.close();
      throw new KernelRefused(`${t - f} huge page${t - f === 1 ? ' is' : 's are'} in use by processes hugecheck did not start (HugePages_Total ${t}, HugePages_Free ${f}): refusing to touch the pool`);
    }
    const idle = await d.call('SYSCTL 0 0');
    const [it, ifr, ir, is] = idle.counters;
    if (it !== ifr || ifr !== ir || ir !== is) {
      await d.close();
      throw new KernelRefused(`with the pool set to 0 the machine still holds HugePages_Total ${it} Free ${ifr} Rsvd ${ir} Surp ${is}, which is not a leaked-reservation baseline hugecheck can compensate: refusing`);
    }
    const s = new KernelSession(d, ready.release, ir, before);
    s.notes.push(...notes);
    if (s.choice.note) s.notes.push(s.choice.note);
    if (ir > 0) s.notes.push(`this machine carries ${ir} leaked huge page reservation${ir === 1 ? '' : 's'} (HugePages_Rsvd ${ir} with the pool at 0, kernel-observed §0.1): every pool write adds ${ir} and every counter has it subtracted`);
    return s;
  }

  /** The driver's process id (tests use it to simulate a crash). */
  get driverPid(): number | undefined {
    return this.d.pid;
  }

  get baseline(): Counters {
    return { total: this.leaked, free: this.leaked, rsvd: this.leaked, surp: 0 };
  }

  /** Set when a scenario changed the pool unexpectedly: the session then refuses to go on. */
  damaged: string | undefined;

  async run(s: Scenario, opts: RunOptions = {}): Promise<KernelRun> {
    if (this.damaged) throw new KernelRefused(`stopped: ${this.damaged}`);
    const limit = kernelLimits(s);
    if (limit) return { skipped: `the scenario needs ${limit}`, steps: 0 };
    if (!opts.allowLeak) {
      const hazard = kernelHazard(s, this.model);
      if (hazard) return { skipped: hazard, steps: 0 };
    }
    if (this.leaked > 0 && (s.requiresCleanPool || hazardModels(this.model).some((m) => findHazards(s, m).unbackedSteps.length > 0))) {
      return { skipped: `requiresCleanPool: the scenario drives Rsvd below zero or above Free, where a machine with ${this.leaked} leaked reservations lets it use the leaked pages, so the baseline cannot be compensated`, steps: 0 };
    }
    const m = new KernelMachine(this.d, this.leaked);
    const runner: Runner<'async'> = {
      name: `kernel:${this.release}`,
      start: () => m.start(s.setup),
      step: (step) => m.step(step),
      finish: () => m.teardown(),
      baseline: () => this.baseline,
    };
    const trace = await runAsync(s, runner);
    const final = trace.final;
    if (final.counters.rsvd !== 0 || final.counters.free !== final.counters.total || final.counters.surp !== 0) {
      // The scenario left the pool changed (a kernel leak the model did not predict): measure the
      // idle machine again so later scenarios stay comparable, and say so.
      const idle = await this.d.call('SETUP 0 0');
      const [, , ir] = idle.counters;
      this.damaged = `scenario "${s.name}" left the kernel's pool changed after teardown (Total ${final.counters.total} Free ${final.counters.free} Rsvd ${final.counters.rsvd} Surp ${final.counters.surp} above the baseline), which the model did not predict; leaked reservations last until reboot (the baseline is now ${ir}). No further scenario runs in this session, so nothing more can leak.`;
      this.notes.push(`WARNING: ${this.damaged}`);
      this.leaked = ir;
    }
    return { trace, steps: s.steps.length };
  }

  /** Ends the session and checks the machine is as it was. Returns what was not restored. */
  async close(): Promise<string[]> {
    await this.d.close();
    const problems: string[] = [];
    const nr = Number(readFileSync('/proc/sys/vm/nr_hugepages', 'utf8'));
    const ovc = Number(readFileSync('/proc/sys/vm/nr_overcommit_hugepages', 'utf8'));
    if (nr !== this.before.settings[0] || ovc !== this.before.settings[1]) {
      problems.push(`nr_hugepages=${nr} nr_overcommit_hugepages=${ovc}, was ${this.before.settings.join(' and ')}`);
    }
    const now = rawMeminfo();
    if (now.join(' ') !== this.before.meminfo.join(' ')) problems.push(`HugePages_Total/Free/Rsvd/Surp ${now.join('/')}, was ${this.before.meminfo.join('/')}`);
    return problems;
  }

  /** Stops the driver at once (Ctrl-C); its clean-up still runs. */
  async abort(): Promise<void> {
    await this.d.kill();
  }
}

export { KernelError, kernelHazard, kernelLimits };
