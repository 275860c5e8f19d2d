/**
 * Abstract commands: what the generator draws. Their arguments are selectors (small numbers taken
 * modulo whatever exists when the command is resolved) and fractions of a mapping's size, never
 * names, so that any subsequence of commands still resolves to a valid scenario (resolve.ts).
 */
export type Sel = number;

export type Command =
  | { k: 'setPool'; pages: number }
  | { k: 'setOvercommit'; pages: number }
  | { k: 'mount'; size: number | null; minSize: number | null }
  | { k: 'umount'; m: Sel }
  | { k: 'create'; m: Sel }
  | { k: 'unlink'; f: Sel }
  | { k: 'truncate'; f: Sel; pages: number }
  | { k: 'fallocate'; f: Sel; offset: number; pages: number; punch: boolean }
  | { k: 'mmap'; p: Sel; pages: number; shared: boolean; file: Sel | null; offset: number; noreserve: boolean; populate: boolean; prot: 'rw' | 'r' | 'none' }
  | { k: 'munmap'; p: Sel; m: Sel; offset: number; pages: number }
  | { k: 'mremap'; p: Sel; m: Sel; offset: number; oldPages: number; newPages: number; move: boolean }
  | { k: 'madvise'; p: Sel; m: Sel; offset: number; pages: number; remove: boolean }
  | { k: 'mprotect'; p: Sel; m: Sel; offset: number; pages: number; prot: 'rw' | 'r' | 'none' }
  | { k: 'touch'; p: Sel; m: Sel; page: number; write: boolean }
  | { k: 'fork'; p: Sel }
  | { k: 'exit'; p: Sel }
  | { k: 'shmget'; pages: number; noreserve: boolean }
  | { k: 'shmat'; p: Sel; seg: Sel }
  | { k: 'shmrm'; seg: Sel };

export type CommandKind = Command['k'];

/** Relative weights of each command kind; 0 leaves it out. */
export type Weights = Record<CommandKind, number>;

export const DEFAULT_WEIGHTS: Weights = {
  touch: 26,
  mmap: 14,
  fork: 6,
  munmap: 5,
  exit: 3,
  mremap: 5,
  madvise: 4,
  mprotect: 2,
  setPool: 3,
  setOvercommit: 3,
  create: 5,
  unlink: 3,
  truncate: 3,
  fallocate: 4,
  mount: 4,
  umount: 1,
  shmget: 2,
  shmat: 2,
  shmrm: 1,
};

export const COMMAND_KINDS = Object.keys(DEFAULT_WEIGHTS) as CommandKind[];

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
