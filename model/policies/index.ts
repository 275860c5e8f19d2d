/** The registry of built-in policies, by name. */
import type { Policy } from '../policy';
import { linux } from './linux';

export const POLICIES: ReadonlyMap<string, Policy> = new Map([[linux.name, linux]]);

export function findPolicy(name: string): Policy | undefined {
  return POLICIES.get(name);
}
