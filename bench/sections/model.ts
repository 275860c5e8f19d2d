/** The model section: steps/s of the step function, with observations, with every invariant judged; dispatch with a switch against ts-pattern. */
import { match } from 'ts-pattern';
import { linux } from '../../model/policies/linux';
import { CATALOGUE } from '../../properties/catalogue';
import { Machine } from '../../run/machine';
import { judgeOnModel } from '../../run/model';
import { boundBefore } from '../../scenario/bind';
import type { Step } from '../../scenario/types';
import { validateScenario } from '../../scenario/validate';
import { longScenario } from '../long-scenario';
import { put, quick, rate } from '../common';

export function modelSection(): void {
  console.log('\nmodel (policy linux, one thread)');
  const LENGTH = quick ? 50_000 : 200_000;
  const scenario = validateScenario(longScenario(LENGTH, 42));
  const steps = scenario.steps;
  // A run reuses the bindings the validator made (bind once, scenario/bind.ts), as execute does.
  const prebound = boundBefore(scenario);
  const stepOnly = rate(LENGTH, () => {
    const m = new Machine(linux, scenario.setup, prebound);
    for (const st of steps) m.step(st);
  });
  put({ section: 'model', name: 'steps/s, step function only', value: stepOnly.value, unit: 'steps/s', runs: stepOnly.runs, target: '>= 1,000,000', met: stepOnly.value >= 1e6 });
  const observed = rate(LENGTH, () => {
    const m = new Machine(linux, scenario.setup, prebound);
    for (const st of steps) m.observe(m.step(st));
  });
  put({ section: 'model', name: 'steps/s, with observations', value: observed.value, unit: 'steps/s', runs: observed.runs });
  // Every invariant judged on the trace (per-step facts and state checks included).
  const JUDGED = quick ? 20_000 : 50_000;
  const judgedScenario = { ...scenario, steps: steps.slice(0, JUDGED) };
  const judged = rate(JUDGED, () => void judgeOnModel(judgedScenario, linux, CATALOGUE));
  put({ section: 'model', name: `steps/s, all ${CATALOGUE.length} invariants judged`, value: judged.value, unit: 'steps/s', runs: judged.runs });

  const sw = (s: Step) => {
    switch (s.op) {
      case 'read': return 1;
      case 'write': return 2;
      case 'mmap': return 3;
      case 'munmap': return 4;
      default: return 0;
    }
  };
  const tp = (s: Step) => match(s).with({ op: 'read' }, () => 1).with({ op: 'write' }, () => 2).with({ op: 'mmap' }, () => 3).with({ op: 'munmap' }, () => 4).otherwise(() => 0);
  let sink = 0;
  const a = rate(LENGTH, () => { for (const st of steps) sink += sw(st); });
  const b = rate(LENGTH, () => { for (const st of steps) sink += tp(st); });
  put({ section: 'model', name: 'dispatch with a switch', value: 1e9 / a.value, unit: 'ns/step', runs: a.runs.map((r) => 1e9 / r) });
  put({ section: 'model', name: 'dispatch with ts-pattern', value: 1e9 / b.value, unit: 'ns/step', runs: b.runs.map((r) => 1e9 / r), note: 'why the hot step uses a switch' });
  if (sink === -1) console.log('');
}
