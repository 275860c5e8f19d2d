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

/** The fields a form writes, in the form's order. */
export function writeForm<T>(x: T, form: Form<T>, c: FormCtx): string {
  let s = '';
  for (const k in form) {
    const f = form[k] as FieldForm<T[typeof k]>;
    if (typeof f === 'function') s += `${s ? ' ' : ''}${f(x[k], c)}`;
  }
  return s;
}

// Writers of common field types.
export const num = (v: number) => String(v);
export const str = (v: string) => v;
export const flag = (v: boolean) => (v ? '1' : '0');
export const numbers = (v: Iterable<number>) => `[${[...v].sort((a, b) => a - b).join(',')}]`;
export const refOrNone = (v: object | null | undefined, c: FormCtx) => (v ? c.ref(v) : '-');
/** A map from numbers, its entries sorted by key. */
export const byIndex =
  <V>(value: (v: V, c: FormCtx) => string) =>
  (m: ReadonlyMap<number, V>, c: FormCtx) =>
    `{${[...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${value(v, c)}`).join(',')}}`;
