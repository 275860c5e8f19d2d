/** Arbitraries several generator commands share (ops/*.ts): selectors, small sizes, rare flags. */
import fc from 'fast-check';
import type { OptionDial } from './define';

/**
 * `fc.record`, drawing the same values from the same random stream, but building an ordinary
 * object. fc.record draws a coin per record and makes every other one a null-prototype object,
 * which V8 keeps in dictionary mode: each later read of a command's field (the resolver reads
 * every one) is then a hash lookup. The coin is still drawn, so every seed draws the scenarios it
 * drew before. Keys are set in the model's order, so each op's commands share one object shape.
 */
export function record<T extends object>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  const keys = Object.keys(model) as Array<keyof T>;
  const arbs = keys.map((k) => model[k] as fc.Arbitrary<unknown>);
  return fc.tuple(...arbs, fc.boolean()).map((vals) => {
    const o = {} as T;
    for (let i = 0; i < keys.length; i++) (o as Record<keyof T, unknown>)[keys[i]!] = vals[i];
    return o;
  });
}

/** A selector: a small number taken modulo whatever exists when the command is resolved. */
export const sel = fc.nat(7);
export const pages = fc.integer({ min: 1, max: 3 });
/** A length for a call that creates a mapping or a segment: 1 to 3 pages, and 0 (EINVAL) one time
 *  in twenty, the edge the manual pages document. */
export const length = fc.oneof({ arbitrary: pages, weight: 19 }, { arbitrary: fc.constant(0), weight: 1 });
/** True one time in five. */
export const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);
/** True one time in twenty. */
export const seldom = fc.integer({ min: 0, max: 19 }).map((n) => n === 0);

/** A flag under an option dial: 0 never, 2 always, 1 as `one` draws it. */
export const flag = (dial: 0 | 1 | 2, one: fc.Arbitrary<boolean>): fc.Arbitrary<boolean> =>
  dial === 0 ? fc.constant(false) : dial === 2 ? fc.constant(true) : one;

/** A protection: rw only, or other protections two times in five. */
export const prot = (o: OptionDial): fc.Arbitrary<'rw' | 'r' | 'none'> =>
  o.prot === 0 ? fc.constant<'rw' | 'r' | 'none'>('rw') : fc.constantFrom<'rw' | 'r' | 'none'>('rw', 'rw', 'rw', 'r', 'none');
