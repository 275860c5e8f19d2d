/** hugecheck.zoo/1: what `hugecheck zoo --json` writes and `report` reads. */
import type { ShortestSummary } from '../explore/shortest';
import type { Scenario } from '../scenario/types';
import { scenarioAt } from './check-report';
import { array, format, number, object, string } from './version';

export const ZOO_FORMAT = 'hugecheck.zoo/1';

export interface ZooRow {
  bug: string;
  caughtBy: string[];
  firstFailureMs: number | null;
  minimalSteps: number | null;
  docSteps: number | null;
  /** The minimal counterexample of each invariant that caught it. */
  counterexamples: Array<{ invariant: string; scenario: Scenario; shortest?: ShortestSummary }>;
}

export interface ZooReport {
  format: typeof ZOO_FORMAT;
  tool?: string;
  runs: number;
  seed: number;
  bugs: ZooRow[];
}

export function parseZooReport(data: unknown): ZooReport {
  const o = format(data, ZOO_FORMAT, 'the output of hugecheck zoo --json');
  number(o.runs, 'runs');
  number(o.seed, 'seed');
  const bugs = array(o.bugs, 'bugs').map((raw, k) => {
    const b = object(raw, `bugs[${k}]`);
    const bug = string(b.bug, `bugs[${k}].bug`);
    const caughtBy = array(b.caughtBy ?? [], `bugs.${bug}.caughtBy`);
    const counterexamples = array(b.counterexamples ?? [], `bugs.${bug}.counterexamples`).map((c, i) => {
      const r = object(c, `bugs.${bug}.counterexamples[${i}]`);
      return { ...r, invariant: string(r.invariant, `bugs.${bug}.counterexamples[${i}].invariant`), scenario: scenarioAt(r.scenario, `bugs.${bug}.counterexamples[${i}].scenario`) };
    });
    return { ...b, caughtBy, counterexamples };
  });
  return { ...o, bugs } as unknown as ZooReport;
}
