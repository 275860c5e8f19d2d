/**
 * Abstract commands: what the generator draws. Their arguments are selectors (small numbers taken
 * modulo whatever exists when the command is resolved) and fractions of a mapping's size, never
 * names, so that any subsequence of commands still resolves to a valid scenario (resolve.ts).
 * Each command is defined next to the ops it produces (ops/, `COMMANDS` in ops/index.ts).
 */
import { COMMANDS, type Command, type CommandKind } from '../ops';

export type { Command, CommandKind } from '../ops';
export type Sel = number;

/** Relative weights of each command kind; 0 leaves it out. */
export type Weights = Record<CommandKind, number>;

export const DEFAULT_WEIGHTS: Weights = Object.fromEntries(COMMANDS.map((c) => [c.kind, c.weight])) as Weights;

export const COMMAND_KINDS = COMMANDS.map((c) => c.kind) as CommandKind[];

/** The command definition of a kind. */
export const COMMAND_BY_KIND = Object.fromEntries(COMMANDS.map((c) => [c.kind, c])) as unknown as {
  [K in CommandKind]: Extract<(typeof COMMANDS)[number], { kind: K }>;
};

/** Parses `touch=40,mount=0` over the defaults; throws with the bad part named. */
export function parseWeights(text: string, base: Weights = DEFAULT_WEIGHTS): Weights {
  const out = { ...base };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z]+)=(\d+)$/.exec(part);
    if (!m) throw new Error(`bad weight "${part}" (expected KIND=N, e.g. fork=10)`);
    const kind = m[1] as CommandKind;
    if (!(kind in out)) throw new Error(`unknown command kind "${m[1]}" in weights (known: ${COMMAND_KINDS.join(', ')})`);
    out[kind] = Number(m[2]);
  }
  if (COMMAND_KINDS.every((k) => out[k] === 0)) throw new Error('every weight is 0: nothing to generate');
  return out;
}

