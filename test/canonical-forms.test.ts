/**
 * Canonical forms (model/form.ts) name every field of the state they describe, so that bounded
 * exploration never merges two states the invariants could tell apart because a field was
 * forgotten: a new field fails to compile (the @ts-expect-error lines below are compiled by
 * `npm test`'s type check, and an unused one is an error), and every field a form writes changes
 * the written form when its value changes.
 */
import { describe, expect, test } from '@jest/globals';
import { writeForm, type FieldForm, type Form, type FormCtx } from '../model/form';
import { Machine } from '../run/machine';
import { linux } from '../model/policies/linux';
import { FOLIO_FORM, INODE_FORM, MODEL_STATE_FORM, PROCESS_FORM, RESV_MAP_FORM, SUBPOOL_FORM, VMA_FORM, type Folio, type Inode, type ModelState, type Vma } from '../model/state';
import { MAP_STATE_FORM, MOUNT_INFO_FORM, OBJ_FORM, type MapState, type Obj } from '../properties/promises';
import { trackPromisesState } from '../properties/track';
import { validateScenario } from '../scenario/validate';

// A form that does not name a new field does not compile.
// @ts-expect-error MapState gained a field the form does not name
export const mapStateForm: Form<MapState & { extra: number }> = MAP_STATE_FORM;
// @ts-expect-error Obj gained a field the form does not name
export const objForm: Form<Obj & { extra: number }> = OBJ_FORM;
// @ts-expect-error Vma gained a field the form does not name
export const vmaForm: Form<Vma & { extra: boolean }> = VMA_FORM;
// @ts-expect-error Inode gained a field the form does not name
export const inodeForm: Form<Inode & { extra: number }> = INODE_FORM;
// @ts-expect-error Folio gained a field the form does not name
export const folioForm: Form<Folio & { extra: number }> = FOLIO_FORM;
// @ts-expect-error ModelState gained a field the form does not name
export const stateForm: Form<ModelState & { extra: number }> = MODEL_STATE_FORM;

/** A state with one of everything: a mount with a subpool, a file with a page in its cache, a
 *  shared and a private mapping with pages, a fork child, and a mapping whose name a later step took. */
function sample() {
  const scenario = validateScenario({
    format: 'hugecheck.scenario/1',
    name: 'forms',
    setup: { nr_hugepages: 4, nr_overcommit_hugepages: 0 },
    steps: [
      { op: 'mount', mount: 'm', size: 3, minSize: 1 },
      { op: 'create', file: 'f', mount: 'm' },
      { op: 'mmap', proc: 'p0', map: 'a', pages: 1, share: 'shared', file: 'f', offset: 0, noreserve: false, populate: false, prot: 'rw' },
      { op: 'write', proc: 'p0', map: 'a', page: 0, value: 7 },
      { op: 'mmap', proc: 'p0', map: 'b', pages: 2, share: 'private', offset: 0, noreserve: false, populate: false, prot: 'rw' },
      { op: 'write', proc: 'p0', map: 'b', page: 0, value: 3 },
      { op: 'fork', proc: 'p0', child: 'c' },
      { op: 'mmap', proc: 'p0', map: 'b', pages: 1, share: 'private', offset: 0, noreserve: true, populate: false, prot: 'r' },
    ],
  });
  const m = new Machine(linux, scenario.setup);
  const initial = m.counters();
  const obs = scenario.steps.map((st) => m.observe(m.step(st)));
  const { state } = trackPromisesState(scenario, initial, obs);
  return { m, state };
}

/** The same value, changed (whatever its type). */
function changed(v: unknown): unknown {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return `${v}x`;
  if (v === null) return 1;
  if (Array.isArray(v)) return [...v, v[0] ?? 'rw'];
  if (v instanceof Set) return new Set([...v, 99]);
  if (v instanceof Map) return new Map([...v, [99, [...v.values()][0] ?? [1]]]);
  if (typeof v === 'object') {
    // Another object (a reference changes), with its first number or name changed (a value does).
    const copy = { ...(v as Record<string, unknown>) };
    const k = Object.keys(copy).find((x) => typeof copy[x] === 'number' || (x === 'name' && typeof copy[x] === 'string'));
    if (k) copy[k] = changed(copy[k]);
    return copy;
  }
  throw new Error(`no change for ${String(v)}`);
}

/** Objects numbered by identity, as exploration numbers them by first appearance. */
const seen = new Map<object, number>();
const ctx: FormCtx = { ref: (x) => `#${seen.get(x) ?? (seen.set(x, seen.size), seen.size - 1)}`, page: (n) => `p${n}` };

function eachWrittenField<T extends object>(name: string, x: T, form: Form<T>): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const k in form) {
    const f = form[k] as FieldForm<unknown>;
    if (typeof f !== 'function') continue;
    const before = writeForm(x, form, ctx);
    const after = writeForm({ ...x, [k]: changed(x[k as keyof T]) }, form, ctx);
    out.push([`${name}.${k}`, before, after]);
  }
  return out;
}

describe('canonical forms', () => {
  test('every field a form writes changes what it writes', () => {
    const { m, state } = sample();
    const p0 = m.s.processes.find((p) => p.name === 'p0')!;
    const shared = p0.vmas.find((v) => v.shared)!;
    const priv = p0.vmas.find((v) => !v.shared && v.resvMap)!;
    const mount = m.s.mounts.get('m')!;
    const tracked = state.procs.get('p0')!.get('a')!;
    const cases = [
      ...eachWrittenField('Folio', p0.ptes.get(shared.start)!, FOLIO_FORM),
      ...eachWrittenField('Inode', shared.inode, INODE_FORM),
      ...eachWrittenField('Vma', priv, VMA_FORM),
      ...eachWrittenField('PrivateResvMap', priv.resvMap!, RESV_MAP_FORM),
      ...eachWrittenField('Subpool', mount.spool!, SUBPOOL_FORM),
      ...eachWrittenField('Process', p0, PROCESS_FORM),
      ...eachWrittenField('ModelState', m.s, MODEL_STATE_FORM),
      ...eachWrittenField('MapState', tracked, MAP_STATE_FORM),
      ...eachWrittenField('MapState (orphan)', state.orphans.get('p0')![0]!, MAP_STATE_FORM),
      ...eachWrittenField('Obj', tracked.obj, OBJ_FORM),
      ...eachWrittenField('MountInfo', state.mounts.get('m')!, MOUNT_INFO_FORM),
    ];
    expect(cases.length).toBeGreaterThan(50);
    expect(cases.filter(([, before, after]) => before === after).map(([field]) => field)).toEqual([]);
  });

  test('the tracker state the forms read includes the mappings whose names were taken', () => {
    const { state } = sample();
    expect(state.orphans.get('p0')?.length).toBe(1);
    expect(state.orphans.get('c')?.length ?? 0).toBe(0);
  });
});
