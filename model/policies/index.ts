/** The registry of built-in policies, by name: the kernels' (model/kernels.ts), linux-fixed, the seed
 *  designs, each known bug's fix, the zoo's bugs and the hand-made mutants. */
import type { Policy } from '../policy';
import { KNOWN_BUGS, linuxFixed } from './known-bugs';
import { MAINLINE_7_3 } from '../kernels';
import { linux } from './linux';
import { MUTANTS } from './mutants';
import { SEED_POLICIES } from './seeds';

export const POLICIES: ReadonlyMap<string, Policy> = new Map(
  [linux, linuxFixed, MAINLINE_7_3.policy, ...SEED_POLICIES, ...KNOWN_BUGS.map((b) => b.fix(linux)), ...MUTANTS].map((p) => [p.name, p] as const),
);

export function findPolicy(name: string): Policy | undefined {
  return POLICIES.get(name);
}
