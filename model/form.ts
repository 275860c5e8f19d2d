/**
 * Canonical forms, declared next to the data they describe (model/state.ts, properties/promises.ts)
 * and written out by bounded exploration (explore/canonical.ts), which merges two states when their
 * forms are equal. A form names every field of its type: a field added to the type fails to compile
 * until it is either written into the form or declared out of it with the reason, so no field can
 * silently stop telling two states apart (a test checks the forms against real objects too).
 */

/** What a field's writer may ask: the number (by first appearance) of an object it points to, and
 *  of a physical private page of the promise tracker. */
export interface FormCtx {
  ref(x: object): string;
  page(id: number): string;
}

/** A field is written by a function, or left out with the reason (`out`). */
export type FieldForm<V> = ((v: V, c: FormCtx) => string) | { readonly out: string };
export type Form<T> = { readonly [K in keyof T]-?: FieldForm<T[K]> };

/** The written fields of each form, in the form's order (forms are constants: compiled once). */
const compiled = new WeakMap<object, ReadonlyArray<readonly [string, (v: unknown, c: FormCtx) => string]>>();

function fieldsOf<T>(form: Form<T>): ReadonlyArray<readonly [string, (v: unknown, c: FormCtx) => string]> {
  let fs = compiled.get(form);
  if (!fs) {
    fs = Object.entries(form).filter((e): e is [string, (v: unknown, c: FormCtx) => string] => typeof e[1] === 'function');
    compiled.set(form, fs);
  }
  return fs;
}

/** The fields a form writes, in the form's order. */
export function writeForm<T>(x: T, form: Form<T>, c: FormCtx): string {
  const fs = fieldsOf(form);
  let s = '';
  for (let i = 0; i < fs.length; i++) {
    const [k, f] = fs[i]!;
    const v = f((x as Record<string, unknown>)[k], c);
    s = i === 0 ? v : `${s} ${v}`;
  }
  return s;
}

// Writers of common field types.
export const num = (v: number) => String(v);
export const str = (v: string) => v;
export const flag = (v: boolean) => (v ? '1' : '0');
export const numbers = (v: ReadonlySet<number> | readonly number[]): string => {
  const n = 'size' in v ? v.size : v.length;
  if (n === 0) return '[]';
  if (n === 1) for (const x of v) return `[${x}]`;
  return `[${[...v].sort((a, b) => a - b).join(',')}]`;
};
export const refOrNone = (v: object | null | undefined, c: FormCtx) => (v ? c.ref(v) : '-');
/** A map from numbers, its entries sorted by key. */
export const byIndex =
  <V>(value: (v: V, c: FormCtx) => string) =>
  (m: ReadonlyMap<number, V>, c: FormCtx): string => {
    if (m.size === 0) return '{}';
    if (m.size === 1) for (const [k, v] of m) return `{${k}:${value(v, c)}}`;
    return `{${[...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${value(v, c)}`).join(',')}}`;
  };
