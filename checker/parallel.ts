/**
 * Runs a campaign's units (checker/campaign.ts): interleaved in this thread, or on worker threads
 * (parallel/), which run checkUnit. Kept apart from campaign.ts because the workers import it.
 */
import type { Policy } from '../model/policy';
import { WorkerPool } from '../parallel/pool';
import { invariantOf, unitOptions, unitResult, type CampaignSettings, type Unit, type UnitResult } from './campaign';
import { interleave, searchProperty } from './check';

export interface RunOptions {
  policyRef: string;
  policy: Policy;
  units: Unit[];
  settings: CampaignSettings;
  workers: number;
  /** Wall-clock budget for the whole campaign (then runs done depend on the machine). */
  timeLimitMs?: number;
  /** Called when a unit's search (or a slice of it, in one thread) is about to run. */
  onUnitTurn?(u: Unit): void;
  onTry?(): void;
}

/**
 * Runs the units, on worker threads when `workers` > 1; results in unit order either way. In one
 * thread the units' searches are interleaved, a slice of runs each in turn (check.ts, interleave):
 * a violation of any property shows up early, and a time limit cuts every unit at about the same
 * number of runs. Workers run whole units (a unit's result does not depend on the schedule).
 */
export async function runUnits(o: RunOptions): Promise<UnitResult[]> {
  const started = Date.now();
  if (o.workers <= 1 || o.units.length <= 1) {
    // One deadline for every unit: they run side by side.
    const deadline = o.timeLimitMs !== undefined ? started + o.timeLimitMs : undefined;
    const searches = o.units.map((u) => searchProperty(o.policy, invariantOf(u), unitOptions(u, o.settings, { ...(deadline !== undefined ? { deadline } : {}), ...(o.onTry ? { onTry: o.onTry } : {}) })));
    const results = interleave(searches, { before: (k) => o.onUnitTurn?.(o.units[k]!) });
    return results.map((r, k) => unitResult(o.units[k]!, r!));
  }
  // A time limit is shared out over the units still to run, `workers` at a time.
  const share = (k: number) => (o.timeLimitMs !== undefined ? (Math.max(0, o.timeLimitMs - (Date.now() - started)) * Math.min(o.workers, o.units.length - k)) / (o.units.length - k) : undefined);
  const pool = new WorkerPool(Math.min(o.workers, o.units.length));
  try {
    return await pool.map(o.units.map((unit, k) => ({ kind: 'check-unit' as const, policy: o.policyRef, unit, settings: o.settings, ...(o.timeLimitMs !== undefined ? { timeLimitMs: share(k) } : {}) })));
  } finally {
    await pool.close();
  }
}

