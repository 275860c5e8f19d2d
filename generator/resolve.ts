/**
 * Resolves abstract commands into a valid scenario. Selectors pick among what exists at that point
 * (assuming every earlier step succeeded, as the validator does: the binder of scenario/bind.ts
 * keeps that account); a command with nothing to act on is dropped. New names are the smallest
 * free ones, so shrunk scenarios read simply. Each command's resolution is in its op's module (ops/).
 */
import type { ResolveCtx } from '../ops/define';
import { Binder, rememberBinding, type BoundStep } from '../scenario/bind';
import type { Scenario, Setup, Step } from '../scenario/types';
import { COMMAND_BY_KIND, type Command } from './commands';

const MAP_NAMES = 'abcdefghijklmnopqrstuvwxyz';

type ResolveFn = (r: ResolveCtx, c: Command) => Step | undefined;

export function resolve(setup: Setup, commands: readonly Command[], name = 'generated'): Scenario {
  const r = new Resolver();
  const steps: Step[] = [];
  const bound: BoundStep[] = [];
  for (const c of commands) {
    const s = (COMMAND_BY_KIND[c.k].resolve as ResolveFn)(r, c);
    if (!s) continue;
    bound.push(r.binder.bind(s, steps.length));
    steps.push(s);
  }
  const scenario: Scenario = { format: 'hugecheck.scenario/1', name, setup, steps };
  rememberBinding(scenario, r.binder, bound); // bind once: a run of it reuses these
  return scenario;
}

class Resolver implements ResolveCtx {
  readonly binder = new Binder();

  procs(): readonly string[] {
    return this.binder.liveNames('proc');
  }
  files(): readonly string[] {
    return this.binder.liveNames('file');
  }
  mounts(): readonly string[] {
    return this.binder.liveNames('mount');
  }
  segs(): readonly string[] {
    return this.binder.liveNames('seg');
  }

  pick<T>(xs: readonly T[], sel: number): T | undefined {
    return xs.length ? xs[sel % xs.length] : undefined;
  }

  /** Newest first: small selectors (which fast-check favours and shrinks towards) pick what was
   *  just made, so "mount, create on it, map it" sequences come often. */
  pickNewest<T>(xs: readonly T[], sel: number): T | undefined {
    return xs.length ? xs[xs.length - 1 - (sel % xs.length)] : undefined;
  }

  fresh(prefix: string, taken: (n: string) => boolean): string {
    for (let i = 0; ; i++) if (!taken(`${prefix}${i}`)) return `${prefix}${i}`;
  }

  freshMap(proc: string): string {
    const maps = this.binder.mapsIn(proc);
    if (!maps) return 'a';
    for (const c of MAP_NAMES) if (!maps.has(c)) return c;
    return this.fresh('m', (n) => maps.has(n));
  }

  mapping(p: number, m: number): { proc: string; map: string; range: number } | undefined {
    const proc = this.pick(this.procs(), p);
    if (!proc) return undefined;
    // The `m`-th (modulo) of the process's mappings with at least one page, without building a list.
    const maps = this.binder.mapsIn(proc);
    if (!maps) return undefined;
    let live = 0;
    for (const h of maps.values()) if (this.binder.sizeOf(h) > 0) live++;
    if (!live) return undefined;
    let i = m % live;
    for (const [map, h] of maps) {
      const range = this.binder.sizeOf(h);
      if (range > 0 && i-- === 0) return { proc, map, range };
    }
    return undefined;
  }
}
