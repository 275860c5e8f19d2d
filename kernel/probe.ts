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
import { parseScenarioText } from '../scenario/validate';
import type { KernelSession } from './session';

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

/** Runs every known bug's probe on the session's kernel (the session's model chooses the scenarios
 *  it admits, as for any other run). */
export async function probeKnownBugs(session: KernelSession, kernel: KernelVersion, bugs: readonly KnownBug[] = KNOWN_BUGS): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const bug of bugs) {
    const s = probeScenario(bug);
    if (!s) {
      out.push({ bug, verdict: 'not run', detail: 'unsafe' in bug.probe ? bug.probe.unsafe : 'no probe' });
      continue;
    }
    const r = await session.run(s);
    if (r.skipped !== undefined) {
      out.push({ bug, verdict: 'not run', detail: r.skipped });
      continue;
    }
    const m = withAndWithout(kernel, bug);
    const dWith = firstDivergence(execute(s, m.with), r.trace);
    const dWithout = firstDivergence(execute(s, m.without), r.trace);
    if (!dWith) out.push({ bug, verdict: 'shows' });
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
      changes.push(`-${r.bug.id}`);
    } else if (!listed && r.verdict === 'shows') {
      p = r.bug.introduce(p);
      changes.push(`+${r.bug.id}`);
    }
  }
  if (!changes.length) return kernel.policy;
  return definePolicy(p, { name: `${kernel.policy.name}${changes.join('')}`, description: `${kernel.title} as the known-bug probe found it (${changes.join(', ')})`, overrides: {} });
}

/** One line per bug, for the CLI. */
export function describeProbe(kernel: KernelVersion, results: readonly ProbeResult[]): string[] {
  return results.map((r) => {
    const listed = kernel.knownBugs.includes(r.bug) ? `listed for ${kernel.id}` : `not listed for ${kernel.id}`;
    const what = r.verdict === 'shows' ? 'shows it' : r.verdict === 'lacks' ? 'does not show it (fixed here)' : r.verdict === 'unclear' ? 'unclear' : 'not probed';
    return `${r.bug.id} (${listed}): ${what}${r.detail ? `: ${r.detail}` : ''}`;
  });
}
