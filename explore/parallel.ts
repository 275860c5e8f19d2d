/**
 * `explore --workers N`: the same breadth-first search as explore/bfs.ts, each level's frontier
 * split into chunks that worker threads expand (run and judge every successor, compute its key).
 * The main thread then merges the chunks in frontier order, exactly as the single-threaded loop
 * visits them, so the counts, the states kept and the counterexamples are the same for any number
 * of workers. Small levels are expanded in this thread: a worker costs more than they do.
 */
import type { Policy } from '../model/policy';
import { WorkerPool } from '../parallel/pool';
import { exploreLevel, nextSteps, type ExploredEdge, type ExploreLevelTask } from '../parallel/tasks';
import { CATALOGUE } from '../properties/catalogue';
import type { Violation } from '../properties/invariant';
import type { Scenario, Step } from '../scenario/types';
import { expandPath, scenarioOf, type ExploreOptions, type ExploreResult } from './bfs';

/** Levels with fewer nodes than this are expanded without the workers. */
const MIN_PARALLEL_NODES = 32;

export async function exploreParallel(policyRef: string, policy: Policy, opts: ExploreOptions & { workers: number }): Promise<ExploreResult> {
  const t0 = Date.now();
  const invariants = opts.invariants ?? CATALOGUE;
  const symmetric = opts.symmetry ?? true;
  const found = new Map<string, { scenario: Scenario; violation: Violation }>();
  const accept = opts.accept ?? (() => true);
  const note = (violations: Iterable<[string, Violation]>, scenario: () => Scenario) => {
    for (const [id, v] of violations) {
      if (found.has(id)) continue;
      const s = scenario();
      if (accept(id, s)) found.set(id, { scenario: s, violation: v });
    }
  };
  const maxEdges = opts.maxEdges ?? Infinity;
  let complete = true;
  const root = expandPath(policy, opts.scope, [], 0, invariants, symmetric, () => false);
  note(root.violations, () => root.scenario);
  const seen = new Set<string>([root.key]);
  let frontier: Array<{ steps: Step[]; forks: number }> = [{ steps: [], forks: 0 }];
  let explored = 0;
  let depthReached = 0;
  let pool: WorkerPool | undefined;
  const base = { kind: 'explore-level' as const, policy: policyRef, scope: opts.scope, invariants: invariants.map((i) => i.id), symmetric };
  try {
    level: for (let d = 1; d <= opts.depth && frontier.length; d++) {
      let expanded: ExploredEdge[][];
      if (opts.workers <= 1 || frontier.length < MIN_PARALLEL_NODES) {
        expanded = exploreLevel({ ...base, nodes: frontier }, policy);
      } else {
        pool ??= new WorkerPool(opts.workers);
        // Several chunks per worker, so a slow chunk does not leave the others idle.
        const size = Math.max(1, Math.ceil(frontier.length / (opts.workers * 32)));
        const tasks: ExploreLevelTask[] = [];
        for (let i = 0; i < frontier.length; i += size) tasks.push({ ...base, nodes: frontier.slice(i, i + size) });
        expanded = (await pool.map(tasks)).flat();
      }
      const next: Array<{ steps: Step[]; forks: number }> = [];
      for (const [i, node] of frontier.entries()) {
        // The worker expanded the node's successors in this order (parallel/tasks.ts nextSteps).
        const steps0 = nextSteps(policy, opts.scope, node.steps, node.forks);
        for (const [j, e] of expanded[i]!.entries()) {
          const step = steps0[j]!;
          if (explored >= maxEdges) {
            complete = false;
            break level;
          }
          explored++;
          const steps = [...node.steps, step];
          note(e.violations, () => scenarioOf(opts.scope, steps));
          if (seen.has(e.key)) continue;
          seen.add(e.key);
          next.push({ steps, forks: node.forks + (step.op === 'fork' ? 1 : 0) });
        }
      }
      frontier = next;
      depthReached = d;
      opts.onLevel?.({ depth: d, edges: explored, distinct: seen.size, frontier: frontier.length, ms: Date.now() - t0 });
      if (opts.stopWhen?.length && opts.stopWhen.every((id) => found.has(id))) break;
    }
  } finally {
    await pool?.close();
  }
  return { explored, distinct: seen.size, depthReached, complete, ms: Date.now() - t0, counterexamples: found };
}
