/**
 * Every JSON format hugecheck reads or writes, with its constant, its type and (for those it reads
 * back) its parser. The rule for changing one is in version.ts: fields are only added, optional,
 * within a format version.
 */
import { SCENARIO_FORMAT, TRACE_FORMAT } from '../scenario/types';
import { CHECK_REPORT_FORMAT } from './check-report';
import { DIFF_FORMAT, DIFF_POLICY_FORMAT } from './diff';
import { EXPLORE_FORMAT } from './explore-report';
import { ZOO_FORMAT } from './zoo-report';

export const BENCH_FORMAT = 'hugecheck.bench/1';

export { SCENARIO_FORMAT, TRACE_FORMAT };
export * from './check-report';
export * from './diff';
export * from './explore-report';
export * from './version';
export * from './zoo-report';

/** The formats, what writes each and what reads it (README, "Formats"). */
export const FORMATS: ReadonlyArray<{ format: string; written: string; read: string }> = [
  { format: SCENARIO_FORMAT, written: 'users, goldens; check --save, fuzz --save, explore, run --kernel --record', read: 'every command taking a scenario file (scenario/validate.ts)' },
  { format: TRACE_FORMAT, written: 'run --json (model and kernel alike)', read: 'invariants judge its content' },
  { format: CHECK_REPORT_FORMAT, written: 'check --json, merge --json', read: 'merge, report (parseCheckReport)' },
  { format: ZOO_FORMAT, written: 'zoo --json', read: 'report (parseZooReport)' },
  { format: EXPLORE_FORMAT, written: 'explore --json', read: '-' },
  { format: DIFF_FORMAT, written: 'diff --json', read: '-' },
  { format: DIFF_POLICY_FORMAT, written: 'diff-policy --json', read: '-' },
  { format: BENCH_FORMAT, written: 'npm run bench (bench/results.json)', read: 'npm run bench --only (keeps the other sections)' },
];
