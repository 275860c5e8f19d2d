/** hugecheck.explore/1: what `hugecheck explore --json` writes. */
import type { Scope } from '../explore/scope';
import type { Scenario } from '../scenario/types';

export const EXPLORE_FORMAT = 'hugecheck.explore/1';

export interface ExploreDocument {
  format: typeof EXPLORE_FORMAT;
  tool: string;
  policy: string;
  depth: number;
  scope: Scope;
  symmetry: boolean;
  workers: number;
  explored: number;
  distinct: number;
  depthReached: number;
  ms: number;
  violations: Array<{ invariant: string; step: number | 'final'; message: string; counterexample: Scenario }>;
}
