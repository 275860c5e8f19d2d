/** The kernel section: steps/s and scenarios/s of generated scenarios on the real kernel (root and hugetlbfs only). */
import fc from 'fast-check';
import { scenarioArbitrary } from '../../generator/arbitrary';
import { median, put, quick, ROUNDS } from '../common';

export async function kernelSection(): Promise<void> {
  console.log('\nkernel oracle');
  const { kernelUsability } = await import('../../kernel/usable');
  const { KernelSession } = await import('../../kernel/session');
  const u = kernelUsability();
  if (!u.ok) {
    console.log(`  skipped: ${u.reason}`);
    return;
  }
  // Rounds of different generated scenarios (same seeds each time the bench runs), one session.
  const PER_ROUND = quick ? 100 : 200;
  const scenarios = fc.sample(scenarioArbitrary({ maxCommands: 30 }), { numRuns: PER_ROUND * ROUNDS, seed: 42 });
  const session = await KernelSession.open();
  const stepRates: number[] = [];
  const scenarioRates: number[] = [];
  let steps = 0;
  let ran = 0;
  try {
    for (let r = 0; r < ROUNDS; r++) {
      let roundSteps = 0;
      let roundRan = 0;
      const t0 = process.hrtime.bigint();
      for (const s of scenarios.slice(r * PER_ROUND, (r + 1) * PER_ROUND)) {
        const res = await session.run(s);
        if (res.skipped !== undefined) continue;
        roundRan++;
        roundSteps += res.steps;
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      stepRates.push(roundSteps / secs);
      scenarioRates.push(roundRan / secs);
      steps += roundSteps;
      ran += roundRan;
    }
  } finally {
    const problems = await session.close();
    if (problems.length) console.log(`  WARNING: ${problems.join('; ')}`);
  }
  console.log(`  Linux ${session.release}; ${ran} generated scenarios run (the others refused as hazards), ${steps} steps with each scenario's setup and teardown, in ${ROUNDS} rounds`);
  const sps = median(stepRates);
  put({ section: 'kernel', name: 'steps/s', value: sps, unit: 'steps/s', runs: stepRates, target: '>= 2,000', met: sps >= 2000 });
  put({ section: 'kernel', name: 'scenarios/s', value: median(scenarioRates), unit: 'scenarios/s', runs: scenarioRates });
}
