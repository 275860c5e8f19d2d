/** The explore section: distinct states/s of the default exploration with 1 and 2 workers, and depth 7. */
import { explore } from '../../explore/bfs';
import { exploreParallel } from '../../explore/parallel';
import { DEFAULT_DEPTH, DEFAULT_SCOPE } from '../../explore/scope';
import { POLICIES } from '../../model/policies';
import { fmt, median, put, quick, seconds, secondsAsync } from '../common';

export async function exploreSection(): Promise<void> {
  console.log(`\nexplore (policy linux-fixed, default scope, depth ${DEFAULT_DEPTH})`);
  const p = POLICIES.get('linux-fixed')!;
  const runs1: number[] = [];
  const runs2: number[] = [];
  let distinct = 0;
  let ms = 0;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const a = explore(p, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE });
    distinct = a.distinct;
    ms = a.ms;
    runs1.push((a.distinct / a.ms) * 1000);
    const b = await exploreParallel('linux-fixed', p, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE, workers: 2 });
    if (b.distinct !== a.distinct || b.explored !== a.explored) throw new Error('explore with 2 workers differs from 1');
    runs2.push((b.distinct / b.ms) * 1000);
  }
  put({ section: 'explore', name: `distinct states/s, 1 worker (${fmt(distinct)} states)`, value: median(runs1), unit: 'states/s', runs: runs1, target: 'default scope < 60 s', met: ms < 60_000 });
  put({ section: 'explore', name: 'distinct states/s, 2 workers', value: median(runs2), unit: 'states/s', runs: runs2, note: 'workers start cold: they pay off on longer searches' });
  const deeper = await secondsAsync(() => exploreParallel('linux-fixed', p, { depth: DEFAULT_DEPTH + 1, scope: DEFAULT_SCOPE, workers: 2 }));
  const deeper1 = quick ? NaN : seconds(() => explore(p, { depth: DEFAULT_DEPTH + 1, scope: DEFAULT_SCOPE }));
  if (!quick) put({ section: 'explore', name: `depth ${DEFAULT_DEPTH + 1}: 2 workers against 1`, value: deeper1 / deeper, unit: 'x faster', note: `${fmt(deeper1, 1)} s against ${fmt(deeper, 1)} s` });
}
