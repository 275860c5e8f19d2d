/** hugecheck.diff/1 (`hugecheck diff --json`) and hugecheck.diff-policy/1 (`hugecheck diff-policy --json`). */
import type { Divergence } from '../checker/diff';
import type { FirstDifference, TraceView } from '../checker/diff-policy';
import type { Scenario } from '../scenario/types';

export const DIFF_FORMAT = 'hugecheck.diff/1';
export const DIFF_POLICY_FORMAT = 'hugecheck.diff-policy/1';

export interface DiffDocument {
  format: typeof DIFF_FORMAT;
  tool: string;
  scenario: string;
  model: string;
  kernel: string;
  divergence: Divergence | null;
}

export interface DiffPolicyDocument {
  format: typeof DIFF_POLICY_FORMAT;
  tool: string;
  policy: string;
  against: string;
  seed: number;
  runs: number;
  max: number;
  settings: { weights?: string; maxCommands?: number };
  /** Searches done and scenarios generated in them. */
  searches: number;
  generated: number;
  /** The last search found no new class (false: stopped at --max). */
  exhausted: boolean;
  replay: string;
  differences: Array<{ difference: FirstDifference; seed: number; steps: number; scenario: Scenario; traces: { policy: TraceView; against: TraceView }; saved?: string }>;
}
