/**
 * The pool settings: `nr_hugepages` (setPool) and `nr_overcommit_hugepages` (setOvercommit), written
 * through /proc/sys/vm. Model: set_max_huge_pages and the overcommit handler (model/pool.ts).
 */
import fc from 'fast-check';
import { record } from './gen';
import { defineCommand, defineExplore, defineOp } from './define';
import { count, ONLY_OK } from './fields';

export const setPool = defineOp<'setPool'>({
  op: 'setPool',
  fields: { pages: count() },
  names: [],
  describe: (s) => `nr_hugepages = ${s.pages}`,
  model(ctx, s) {
    ctx.k.setMaxHugePages(ctx.s, s.pages);
    return 'ok';
  },
  driver: (ctx, s) => ctx.call(`NR ${s.pages + ctx.leaked}`),
  c: (s) => `op_set_pool(${s.pages})`,
  results: () => ONLY_OK,
  promise() {},
});

export const setOvercommit = defineOp<'setOvercommit'>({
  op: 'setOvercommit',
  fields: { pages: count() },
  names: [],
  describe: (s) => `nr_overcommit_hugepages = ${s.pages}`,
  model(ctx, s) {
    ctx.k.hugetlbOvercommitHandler(ctx.s, s.pages);
    return 'ok';
  },
  driver: (ctx, s) => ctx.call(`OVC ${s.pages}`),
  c: (s) => `op_set_overcommit(${s.pages})`,
  results: () => ONLY_OK,
  promise() {},
});

export const setPoolCommand = defineCommand({
  kind: 'setPool',
  weight: 3,
  produces: ['setPool'],
  arbitrary: () => record({ k: fc.constant('setPool' as const), pages: fc.nat(4) }),
  resolve: (_r, c) => ({ op: 'setPool', pages: c.pages }),
});

export const setOvercommitCommand = defineCommand({
  kind: 'setOvercommit',
  weight: 3,
  produces: ['setOvercommit'],
  arbitrary: () => record({ k: fc.constant('setOvercommit' as const), pages: fc.nat(2) }),
  resolve: (_r, c) => ({ op: 'setOvercommit', pages: c.pages }),
});

export const setPoolExplore = defineExplore({
  flags: { setPool: 'set nr_hugepages to 0..pool' },
  level: 'system',
  produces: ['setPool'],
  successors(x, out) {
    if (x.has('setPool')) for (let k = 0; k <= x.scope.pool; k++) out.push({ op: 'setPool', pages: k });
  },
  scope(st, acc) {
    if (st.op !== 'setPool') return;
    acc.flag('setPool');
    acc.pool(st.pages);
  },
});

export const setOvercommitExplore = defineExplore({
  flags: { setOvercommit: 'set nr_overcommit_hugepages to 0..overcommit' },
  level: 'system',
  produces: ['setOvercommit'],
  successors(x, out) {
    if (x.has('setOvercommit')) for (let k = 0; k <= x.scope.overcommit; k++) out.push({ op: 'setOvercommit', pages: k });
  },
  scope(st, acc) {
    if (st.op !== 'setOvercommit') return;
    acc.flag('setOvercommit');
    acc.overcommit(st.pages);
  },
});
