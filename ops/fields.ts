/** Field-table helpers the op modules share (the table's types are in scenario/fields.ts). */
import type { FieldSpec, Namespace } from '../scenario/fields';

import type { Result } from '../scenario/types';

/** Documented results (OpDefinition.results) several ops share. */
export const ONLY_OK: readonly Result[] = ['ok'];
export const OK_OR_ENOMEM: readonly Result[] = ['ok', 'ENOMEM'];
export const ENOMEM_ONLY: readonly Result[] = ['ENOMEM'];
export const EINVAL_ONLY: readonly Result[] = ['EINVAL'];
/** madvise(DONTNEED), mprotect, munlock (and mlock, which may also fail a fault): ENOMEM over a
 *  range with a hole (the tracker's `hole`), success otherwise; undefined hole: either. */
export const holeOrOk = (hole: boolean | undefined): readonly Result[] => (hole === undefined ? OK_OR_ENOMEM : hole ? ENOMEM_ONLY : ONLY_OK);

/** A whole number >= min: pages, sizes. */
export const count = (min = 0): FieldSpec => ({ type: { kind: 'count', min } });
/** A page offset, default 0. */
export const offset: FieldSpec = { type: { kind: 'count', min: 0 }, default: 0 };
export const name = (ns: Namespace, optional = false): FieldSpec => ({ type: { kind: 'name', ns }, optional });
/** A flag, default false. */
export const flag: FieldSpec = { type: { kind: 'bool' }, default: false };
export const PROTS = ['rw', 'r', 'none'] as const;
/** A range length that defaults to the rest of the mapping (the validator fills it in). */
export const rangePages: FieldSpec = { type: { kind: 'count', min: 1 }, contextDefault: true };
/** PROT_* as the driver and the C runtime encode it. */
export const PROT_CODE = { rw: 0, r: 1, none: 2 } as const;
export const PROT_NAME = { rw: 'PROT_READ|PROT_WRITE', r: 'PROT_READ', none: 'PROT_NONE' } as const;

/** A range of a mapping (`offset`, `pages`) must lie within the `range` pages its name denotes;
 *  `pages` left out means the rest of the mapping. */
export function checkWithin(s: Record<string, unknown>, range: number, err: (field: string, reason: string) => Error): void {
  const what = `mapping "${s.map}"`;
  const offset = s.offset as number;
  if (offset >= range && !(range === 0 && offset === 0)) throw err('offset', `offset ${offset} is outside ${what} (${range} pages)`);
  if (s.pages === undefined) s.pages = range - offset;
  const pages = s.pages as number;
  if (offset + pages > range) throw err('pages', `pages ${offset}..${offset + pages - 1} go beyond ${what} (${range} pages)`);
}

/** `map+offset, N hp`, as reports write a range. */
export function describeRange(map: string, offset: number, pages: number): string {
  return `${map}${offset ? `+${offset}` : ''}, ${pages} hp`;
}

/** The lowest `${prefix}${k}` not among `live` (the explorer's canonical fresh names). */
export function lowestFree(live: readonly string[], prefix: string): string {
  let k = 0;
  while (live.includes(`${prefix}${k}`)) k++;
  return `${prefix}${k}`;
}
