/** The check section: scenarios/s through checkProperty (in a fresh process), and `hugecheck check` with 1 and 2 workers. */
import fc from 'fast-check';
import { spawnSync } from 'child_process';
import { join } from 'path';
import { checkProperty } from '../../checker/check';
import { scenarioArbitrary } from '../../generator/arbitrary';
import { ROOT } from '../../io/root';
import { POLICIES } from '../../model/policies';
import { CATALOGUE } from '../../properties/catalogue';
import { CHECK_COMMANDS, childJson, fmt, median, put, quick, rate } from '../common';

export async function checkSection(): Promise<void> {
  console.log('\ncheck (policy linux-fixed: every run passes, so every run is a full generate-run-judge)');
  // Timed in a fresh process, as `hugecheck check` runs: the model section's 200,000-step scenario
  // (and any scenarios this script keeps) make V8 allocate check's short-lived objects in the old
  // generation (allocation-site pretenuring), up to 25 % slower: this script's cost, not check's.
  const one = childJson<{ value: number; runs: number[]; meanSteps: number }>('check-rate');
  const meanSteps = one.meanSteps;
  put({ section: 'check', name: `scenarios/s (${CHECK_COMMANDS} commands, mean ${fmt(meanSteps, 1)} steps)`, value: one.value, unit: 'scenarios/s', runs: one.runs, target: '>= 20,000', met: one.value >= 20_000 });
  put({ section: 'check', name: 'steps/s through check', value: one.value * meanSteps, unit: 'steps/s' });

  // Worker threads, as a user meets them: `hugecheck check` started afresh (a warm single thread
  // in this process would be unfair to workers that start cold), outputs compared byte for byte.
  const RUNS_PER_UNIT = 10_000;
  const cli = (w: number) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'hugecheck.js'), 'check', '--policy', 'linux-fixed', '--seed', '1', '--repeat', '2', '--runs', String(RUNS_PER_UNIT), '--workers', String(w), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    // Exit 1 is a finding (linux-fixed breaks private-isolation under these seeds: golden k15), not a failure.
    if (r.status !== 0 && r.status !== 1) throw new Error(`check --workers ${w} failed (exit ${r.status}): ${r.stderr}`);
    return { secs: Number(process.hrtime.bigint() - t0) / 1e9, out: r.stdout };
  };
  const times: Record<number, number[]> = { 1: [], 2: [] };
  let same = true;
  let ref: string | undefined;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    for (const w of [1, 2]) {
      const { secs, out } = cli(w);
      times[w]!.push(secs);
      if (ref === undefined) ref = out;
      else if (out !== ref) same = false;
    }
  }
  const total = 2 * CATALOGUE.length * RUNS_PER_UNIT;
  const w1 = total / median(times[1]!);
  const w2 = total / median(times[2]!);
  put({ section: 'check', name: `hugecheck check, ${fmt(total)} runs, 1 worker`, value: w1, unit: 'scenarios/s', runs: times[1]!.map((t) => total / t), note: `${fmt(median(times[1]!), 1)} s with start-up` });
  put({ section: 'check', name: `hugecheck check, ${fmt(total)} runs, 2 workers`, value: w2, unit: 'scenarios/s', runs: times[2]!.map((t) => total / t), target: 'faster than 1, same report', met: w2 > w1 && same, note: `${fmt(w2 / w1, 2)}x; reports ${same ? 'identical' : 'DIFFER'}` });
}

/** In the child process: check's own loop on scenarios of 20 commands (a few resolve to fewer
 *  steps: a command on a name that no longer exists is dropped, so the mean length goes with it). */
export function checkRateChild(): void {
  const MAX = CHECK_COMMANDS;
  const meanSteps = ((sample) => sample.reduce((n, s) => n + s.steps.length, 0) / sample.length)(fc.sample(scenarioArbitrary({ maxCommands: MAX, minCommands: MAX }), { numRuns: 2000, seed: 1 }));
  const RUNS = quick ? 500 : 2000;
  const policy = POLICIES.get('linux-fixed')!;
  const one = rate(RUNS * CATALOGUE.length, () => {
    for (const inv of CATALOGUE) checkProperty(policy, inv, { runs: RUNS, seed: 1, maxCommands: MAX, minCommands: MAX });
  });
  console.log(JSON.stringify({ ...one, meanSteps }));
}
