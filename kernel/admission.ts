/**
 * Whether a scenario may run on a real kernel: the driver's limits, and the hazards that would
 * damage the machine (leaks that last until reboot). Pure: the kernel session and the C reproducer
 * generator both ask.
 */
import { findHazards } from '../run/hazards';
import { execute } from '../run/machine';
import type { Policy } from '../model/policy';
import { linux } from '../model/policies/linux';
import { createsName } from '../ops';
import type { Scenario } from '../scenario/types';

export const LIMITS = { proc: 64, mount: 31, seg: 64 };

/** Why a scenario cannot run on the kernel at all (too many processes, mounts or segments). */
export function kernelLimits(s: Scenario): string | undefined {
  const procs = 1 + s.steps.filter((x) => createsName(x, 'proc')).length;
  const mounts = s.steps.filter((x) => createsName(x, 'mount')).length;
  const segs = s.steps.filter((x) => createsName(x, 'seg')).length;
  if (procs > LIMITS.proc) return `${procs} processes (the kernel driver runs at most ${LIMITS.proc})`;
  if (mounts > LIMITS.mount) return `${mounts} mounts (at most ${LIMITS.mount})`;
  if (segs > LIMITS.seg) return `${segs} segments (at most ${LIMITS.seg})`;
  return undefined;
}

/** The models a hazard is looked for under: `linux` (6.18, measured) and the running kernel's model
 *  when it is another, so that neither can hide a leak the other shows. */
export function hazardModels(model: Policy): Policy[] {
  return model === linux ? [linux] : [linux, model];
}

/** Why a scenario must not run on this machine unless the user insists, or undefined. `model` is
 *  the running kernel's model (model/kernels.ts); the scenario is looked at under it and under linux. */
export function kernelHazard(s: Scenario, model: Policy = linux): string | undefined {
  for (const m of hazardModels(model)) {
    const h = findHazards(s, m);
    if (h.leakyMremapSteps.length) {
      return `step ${h.leakyMremapSteps[0]} moves part of a private mapping with mremap, which leaks reservations on Linux until reboot (kernel-findings.md §1); pass --allow-leak to run it anyway`;
    }
  }
  for (const m of hazardModels(model)) {
    const final = execute(s, m).final.counters;
    if (final.rsvd !== 0 || final.free !== final.total || final.surp !== 0) {
      return `the model${model === linux ? '' : ` (${m.name})`} predicts this scenario leaves the pool changed after teardown (Rsvd ${final.rsvd}, Free ${final.free} of ${final.total}, Surp ${final.surp}), which lasts until reboot on a real kernel; pass --allow-leak to run it anyway`;
    }
  }
  return undefined;
}
