/**
 * The known-bug probe: which known bugs the running kernel shows. A kernel whose `uname -r` names
 * a release may carry backports (or a distribution's own fixes), so at the start of a kernel session
 * each known bug's probe golden (model/policies/known-bugs.ts, `probe`) runs on the kernel, and its
 * trace is compared with the kernel's model with the bug and without it: the kernel "shows" the bug
 * when it did what the model with the bug does, "lacks" it when it did what the model without it
 * does. A bug whose every reproduction would damage the machine is not run.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { firstDivergence } from '../checker/diff';
import { ROOT } from '../io/root';
import { KNOWN_BUGS, type KnownBug } from '../model/policies/known-bugs';
import type { KernelVersion } from '../model/kernels';
import { definePolicy, type Policy } from '../model/policy';
import { execute } from '../run/machine';
import { kernelHazard } from './admission';
import { KernelError } from './driver-process';
import { linux } from '../model/policies/linux';
import { parseScenarioText } from '../scenario/validate';
import { KernelRefused, type KernelSession } from './session';

export type ProbeVerdict = 'shows' | 'lacks' | 'unclear' | 'not run';

export interface ProbeResult {
  bug: KnownBug;
  verdict: ProbeVerdict;
  /** Why not run, or where an unclear trace differs from both models. */
  detail?: string;
}

/** The kernel's model with a known bug in it, and without it. */
export function withAndWithout(kernel: KernelVersion, bug: KnownBug): { with: Policy; without: Policy } {
  const has = kernel.knownBugs.includes(bug);
  return has ? { with: kernel.policy, without: bug.fix(kernel.policy) } : { with: bug.introduce(kernel.policy), without: kernel.policy };
}

/** The probe golden of a bug, parsed. */
export function probeScenario(bug: KnownBug) {
  if (!('golden' in bug.probe)) return undefined;
  return parseScenarioText(readFileSync(join(ROOT, bug.probe.golden), 'utf8'), bug.probe.golden);
}

/** Why a bug's probe golden must not run on a kernel that may be either model (with the bug or
 *  without it, and linux): a hazard under any of them, or a pool it leaves unbacked. */
export function probeHazard(kernel: KernelVersion, bug: KnownBug): string | undefined {
  const s = probeScenario(bug);
  if (!s) return 'unsafe' in bug.probe ? bug.probe.unsafe : 'no probe';
  const m = withAndWithout(kernel, bug);
  for (const model of [m.with, m.without, linux]) {
    const h = kernelHazard(s, model);
    if (h) return `under ${model.name}: ${h}`;
  }
  return undefined;
}

/** Runs every known bug's probe on the session's kernel. A golden runs only when it is safe under
 *  the model with the bug and the model without it (probeHazard); a failure of one probe is that
 *  bug's "not run", and `stop()` (Ctrl-C) ends the probe between goldens. */
export async function probeKnownBugs(session: KernelSession, kernel: KernelVersion, opts: { bugs?: readonly KnownBug[]; stop?: () => boolean } = {}): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const bug of opts.bugs ?? KNOWN_BUGS) {
    if (opts.stop?.()) {
      out.push({ bug, verdict: 'not run', detail: 'interrupted' });
      continue;
    }
    const hazard = probeHazard(kernel, bug);
    const s = probeScenario(bug);
    if (hazard || !s) {
      out.push({ bug, verdict: 'not run', detail: hazard ?? 'no probe' });
      continue;
    }
    let r;
    try {
      r = await session.run(s);
    } catch (e) {
      if (!(e instanceof KernelError) && !(e instanceof KernelRefused)) throw e;
      out.push({ bug, verdict: 'not run', detail: `the run failed: ${e.message}` });
      continue;
    }
    if (r.skipped !== undefined) {
      out.push({ bug, verdict: 'not run', detail: r.skipped });
      continue;
    }
    const m = withAndWithout(kernel, bug);
    const withTrace = execute(s, m.with);
    const withoutTrace = execute(s, m.without);
    const dWith = firstDivergence(withTrace, r.trace);
    const dWithout = firstDivergence(withoutTrace, r.trace);
    if (!firstDivergence(withTrace, withoutTrace)) out.push({ bug, verdict: 'unclear', detail: 'the model with the bug and without it agree on its probe' });
    else if (!dWith) out.push({ bug, verdict: 'shows' });
    else if (!dWithout) out.push({ bug, verdict: 'lacks' });
    else out.push({ bug, verdict: 'unclear', detail: `the kernel's trace differs from the model with the bug at ${where(dWith.step)} (${dWith.field}) and from the model without it at ${where(dWithout.step)} (${dWithout.field})` });
  }
  return out;
}

const where = (step: number | 'initial' | 'final') => (typeof step === 'number' ? `step ${step}` : `the ${step} observation`);

/** The kernel's model adjusted to what the probe saw: a listed bug the kernel lacks is fixed, an
 *  unlisted one it shows is put in. The entry's own policy when the probe agrees with it. */
export function modelAfterProbe(kernel: KernelVersion, results: readonly ProbeResult[]): Policy {
  let p = kernel.policy;
  const changes: string[] = [];
  for (const r of results) {
    const listed = kernel.knownBugs.includes(r.bug);
    if (listed && r.verdict === 'lacks') {
      p = r.bug.fix(p);
      changes.push(`+fix/${r.bug.id}`);
    } else if (!listed && r.verdict === 'shows') {
      p = r.bug.introduce(p);
      changes.push(`+${r.bug.id}`);
    }
  }
  if (!changes.length) return kernel.policy;
  return definePolicy(p, { name: `${kernel.policy.name}${changes.join('')}`, description: `${kernel.title} as the known-bug probe found it (${changes.join(', ')})`, overrides: {} });
}
