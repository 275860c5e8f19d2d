/**
 * `explore --workers N`: the search of explore/bfs.ts, each level's frontier split into chunks that
 * worker threads expand (run and judge every successor, compute its fingerprint). The search merges
 * them in frontier order, so the counts, the states kept and the counterexamples are the same for
 * any number of workers. Small levels are expanded in this thread: a worker costs more than they do.
 */
import type { Policy } from '../model/policy';
import { WorkerPool } from '../parallel/pool';
import type { ExploreLevelTask } from '../parallel/tasks';
import { CATALOGUE } from '../properties/catalogue';
import { expandNodes, search, type ExploredEdge, type ExploreOptions, type ExploreResult, type Node } from './bfs';

/** Levels with fewer nodes than this are expanded without the workers. */
const MIN_PARALLEL_NODES = 32;

export async function exploreParallel(policyRef: string, policy: Policy, opts: ExploreOptions & { workers: number }): Promise<ExploreResult> {
  const invariants = opts.invariants ?? CATALOGUE;
  const symmetric = opts.symmetry ?? true;
  let pool: WorkerPool | undefined;
  const expand = async (nodes: Node[]): Promise<ExploredEdge[][]> => {
    if (opts.workers <= 1 || nodes.length < MIN_PARALLEL_NODES) return expandNodes(policy, opts.scope, nodes, invariants, symmetric);
    pool ??= new WorkerPool(opts.workers);
    // Several chunks per worker, so a slow chunk does not leave the others idle.
    const size = Math.max(1, Math.ceil(nodes.length / (opts.workers * 32)));
    const tasks: ExploreLevelTask[] = [];
    for (let i = 0; i < nodes.length; i += size) {
      tasks.push({ kind: 'explore-level', policy: policyRef, scope: opts.scope, invariants: invariants.map((x) => x.id), symmetric, nodes: nodes.slice(i, i + size) });
    }
    return (await pool.map(tasks)).flat();
  };
  try {
    const loop = search(policy, opts);
    for (let r = loop.next(); ; r = loop.next(await expand(r.value))) if (r.done) return r.value;
  } finally {
    await pool?.close();
  }
}
