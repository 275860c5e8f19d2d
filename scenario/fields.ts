/**
 * The field table of every op: its kind, whether it is required, and its default.
 *
 * The mapped type below forces this table to list exactly the fields of each step type in
 * `types.ts` (a missing or extra field is a compile error), so the types stay the one source of
 * the vocabulary and the validator cannot drift from them.
 */
import type { Op, StepOf } from './types';

export type FieldKind =
  | { kind: 'count'; min: number } // integer >= min (pages, offsets)
  | { kind: 'byte' } // 1..255
  | { kind: 'name'; ns: Namespace }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' };

/** Which namespace a name field refers to, and whether the step creates, uses or ends it. */
export type Namespace = 'proc' | 'map' | 'file' | 'mount' | 'seg';

export interface FieldSpec {
  type: FieldKind;
  /** Absent and no default: the field is required (unless `optional`). */
  optional?: boolean;
  /** A constant default; defaults that depend on the scenario are applied by the validator. */
  default?: unknown;
  /** Computed by the validator from context (munmap's "whole", write's value). */
  contextDefault?: true;
}

type FieldsOf<O extends Op> = Exclude<keyof StepOf<O>, 'op' | 'expect' | 'note'>;
export type OpSpec<O extends Op> = { readonly [F in FieldsOf<O>]-?: FieldSpec };
export type Vocabulary = { readonly [O in Op]: OpSpec<O> };

const pages = (min = 0): FieldSpec => ({ type: { kind: 'count', min } });
const offset: FieldSpec = { type: { kind: 'count', min: 0 }, default: 0 };
const name = (ns: Namespace, optional = false): FieldSpec => ({ type: { kind: 'name', ns }, optional });
const flag: FieldSpec = { type: { kind: 'bool' }, default: false };
const PROTS = ['rw', 'r', 'none'] as const;

export const VOCABULARY: Vocabulary = {
  setPool: { pages: pages() },
  setOvercommit: { pages: pages() },
  mount: {
    mount: name('mount'),
    size: { type: { kind: 'count', min: 0 }, optional: true },
    minSize: { type: { kind: 'count', min: 0 }, optional: true },
  },
  umount: { mount: name('mount') },
  create: { file: name('file'), mount: { type: { kind: 'name', ns: 'mount' }, default: 'default' } },
  unlink: { file: name('file') },
  truncate: { file: name('file'), pages: pages() },
  fallocate: { file: name('file'), offset, pages: pages(1), punch: flag },
  mmap: {
    proc: name('proc'),
    map: name('map'),
    pages: pages(),
    share: { type: { kind: 'enum', values: ['private', 'shared'] }, default: 'private' },
    file: name('file', true),
    offset,
    noreserve: flag,
    populate: flag,
    prot: { type: { kind: 'enum', values: PROTS }, default: 'rw' },
  },
  munmap: { proc: name('proc'), map: name('map'), offset, pages: { type: { kind: 'count', min: 1 }, contextDefault: true } },
  mremap: {
    proc: name('proc'),
    map: name('map'),
    offset,
    oldPages: pages(),
    newPages: pages(),
    to: name('map', true),
  },
  madvise: {
    proc: name('proc'),
    map: name('map'),
    offset,
    pages: { type: { kind: 'count', min: 1 }, contextDefault: true },
    advice: { type: { kind: 'enum', values: ['dontneed', 'remove'] } },
  },
  mprotect: {
    proc: name('proc'),
    map: name('map'),
    offset,
    pages: { type: { kind: 'count', min: 1 }, contextDefault: true },
    prot: { type: { kind: 'enum', values: PROTS } },
  },
  read: { proc: name('proc'), map: name('map'), page: pages() },
  write: { proc: name('proc'), map: name('map'), page: pages(), value: { type: { kind: 'byte' }, contextDefault: true } },
  fork: { proc: name('proc'), child: name('proc') },
  exit: { proc: name('proc') },
  shmget: { seg: name('seg'), pages: pages(), noreserve: flag },
  shmat: { proc: name('proc'), seg: name('seg'), map: name('map') },
  shmrm: { seg: name('seg') },
};

export const OPS = Object.keys(VOCABULARY) as Op[];

export function isOp(x: unknown): x is Op {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(VOCABULARY, x);
}
