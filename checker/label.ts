/** Which registry bug explains a violation: the first whose fix makes the invariant hold. */
import { KNOWN_BUGS, type KnownBug } from '../model/policies/known-bugs';
import type { Policy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import { judgeOnModel } from '../properties/judge';
import type { Scenario } from '../scenario/types';

export function explainingBug(policy: Policy, invariantId: string, scenario: Scenario): KnownBug | undefined {
  const inv = findInvariant(invariantId);
  if (!inv) return undefined;
  return KNOWN_BUGS.find((b) => !judgeOnModel(scenario, b.fix(policy), [inv]).violations.has(invariantId));
}
