/** One step in kernel terms, for tables and reports: `p0: a = mmap(2 hp, MAP_PRIVATE|MAP_HUGETLB)`.
 *  Each op's wording is in its module (ops/, `describe`). */
import { OPS } from '../ops';
import type { Step } from '../scenario/types';

export function describeStep(step: Step): string {
  return (OPS[step.op].describe as (s: Step) => string)(step);
}
