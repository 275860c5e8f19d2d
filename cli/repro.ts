/**
 * `hugecheck repro FILE.json`: the scenario as a standalone C program (stdout), or with `--jest`
 * as a Jest regression test. Expectations of the C program: each step's `expect`, the rest from
 * the policy's prediction (`--policy`, default linux), or only the declared ones (`--only-declared`).
 */
import { generateRepro, ReproError } from '../reports/repro-c';
import { generateJestTest } from '../reports/repro-jest';
import { UsageError } from '../io/errors';
import { loadPolicy, loadScenario } from '../io/load';
import type { Io } from './io';

export function reproCommand(file: string, opts: { policy: string; jest?: boolean; onlyDeclared?: boolean }, io: Io): number {
  const scenario = loadScenario(file);
  const policy = loadPolicy(opts.policy);
  if (opts.jest) {
    io.out(generateJestTest(scenario, policy, { source: file, ...(policy.name !== opts.policy ? { policyModule: opts.policy } : {}) }));
    return 0;
  }
  try {
    io.out(generateRepro(scenario, { expectFrom: opts.onlyDeclared ? null : policy, source: file }));
  } catch (e) {
    if (e instanceof ReproError) throw new UsageError(`${file}: cannot make a C reproducer: ${e.message}`);
    throw e;
  }
  return 0;
}
