/** The memory section: peak resident set of a 1,000,000-run check and of the default exploration, each in a child process. */
import { checkProperty } from '../../checker/check';
import { explore } from '../../explore/bfs';
import { DEFAULT_DEPTH, DEFAULT_SCOPE } from '../../explore/scope';
import { POLICIES } from '../../model/policies';
import { CATALOGUE } from '../../properties/catalogue';
import { child, fmt, put, quick } from '../common';

export function memorySection(): void {
  console.log('\nmemory (peak resident set of a child process)');
  const c = child('check');
  put({ section: 'memory', name: `check, ${c.detail}`, value: c.maxRssMiB, unit: 'MiB', note: `${fmt(c.ms / 1000, 1)} s` });
  const e = child('explore');
  put({ section: 'memory', name: `explore, ${e.detail}`, value: e.maxRssMiB, unit: 'MiB', note: `${fmt(e.ms / 1000, 1)} s` });
}

/** In the child process: the run whose peak RSS is measured (`check` or `explore`). */
export function memoryChild(kind: string): void {
  const t0 = Date.now();
  let detail = '';
  if (kind === 'check') {
    // 1,000,000 runs in all: every property of the catalogue, linux-fixed (no run stops early).
    const total = quick ? 100_000 : 1_000_000;
    const runs = Math.ceil(total / CATALOGUE.length);
    const policy = POLICIES.get('linux-fixed')!;
    for (const inv of CATALOGUE) checkProperty(policy, inv, { runs, seed: 1 });
    detail = `${fmt(runs * CATALOGUE.length)} runs (linux-fixed, ${CATALOGUE.length} properties x ${fmt(runs)})`;
  } else {
    const r = explore(POLICIES.get('linux-fixed')!, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE });
    detail = `default scope, depth ${DEFAULT_DEPTH} (${fmt(r.distinct)} states)`;
  }
  console.log(JSON.stringify({ ms: Date.now() - t0, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail }));
}
