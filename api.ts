/**
 * The public API a user's policy module imports (`import { definePolicy, linux } from 'hugecheck'`):
 * everything needed to write a policy as overrides of the model's named functions.
 */
export { definePolicy, type Policy, type PolicySpec } from './model/policy';
export type { Kernel, MmuGather, MmapRequest } from './model/kernel';
export type { Folio, Inode, ModelState, Mount, PrivateResvMap, Process, Subpool, Vma } from './model/state';
export { vmaIndex, findVma } from './model/state';
export { linux } from './model/policies/linux';
export { linuxFixed } from './model/policies/known-bugs';
export { POLICIES, findPolicy } from './model/policies';
// Running and judging scenarios (what `hugecheck repro --jest` tests use).
export type { Scenario, Step, Trace, Observation, Counters, Expectation } from './scenario/types';
export { parseScenarioText, validateScenario, ScenarioError } from './scenario/validate';
export { runOnModel } from './run/model';
export { judgeTrace } from './properties/judge';
export { judgeOnModel } from './run/model';
export { CATALOGUE } from './properties/catalogue';
