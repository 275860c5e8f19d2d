/**
 * The field table's types: per op, each field's kind, whether it is required, and its default.
 *
 * The mapped type below forces each op's table (its `fields` in ops/) to list exactly the fields of
 * its step type in `types.ts` (a missing or extra field is a compile error), so the types stay the
 * one source of the vocabulary and the validator cannot drift from them.
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

// The table itself is built from the op registry: each op's module (ops/) holds its row, and
// ops/index.ts gathers them as VOCABULARY (and OP_NAMES, isOp).
