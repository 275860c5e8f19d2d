/** Reading scenario files and finding policies: every problem becomes a UsageError (exit 2). */
import { readFileSync } from 'fs';
import { findPolicy, POLICIES } from '../model/policies';
import type { Policy } from '../model/policy';
import type { Scenario } from '../scenario/types';
import { parseScenarioText, ScenarioError } from '../scenario/validate';
import { UsageError } from './errors';
import { isPolicyPath, loadPolicyModule } from './policy-loader';

/** A file's text, or a UsageError that names the file and the problem. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message}`);
  }
}

export function loadScenario(file: string): Scenario {
  const text = readText(file);
  try {
    return parseScenarioText(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
}

export function loadPolicy(name: string): Policy {
  const builtin = findPolicy(name);
  if (builtin) return builtin;
  if (isPolicyPath(name) && /\.(ts|js|cjs)$/.test(name)) return loadPolicyModule(name);
  const p = findPolicy(name);
  if (!p) throw new UsageError(`unknown policy "${name}" (known: ${[...POLICIES.keys()].join(', ')})`);
  return p;
}
