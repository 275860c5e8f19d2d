/** The registry of built-in policies, by name. */
import type { Policy } from '../policy';
import { linuxFixed } from './fixes';
import { KNOWN_BUGS } from './known-bugs';
import { linux } from './linux';
import { MUTANTS } from './mutants';
import { SEED_POLICIES } from './seeds';

export const POLICIES: ReadonlyMap<string, Policy> = new Map(
  [linux, linuxFixed, ...SEED_POLICIES, ...KNOWN_BUGS.map((b) => b.fix(linux)), ...MUTANTS].map((p) => [p.name, p] as const),
);

export function findPolicy(name: string): Policy | undefined {
  return POLICIES.get(name);
}
