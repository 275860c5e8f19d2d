/**
 * Builds the C driver when first needed: build/hugecheck-driver-<hash of the source>, so a changed
 * source is rebuilt. Parallel builders (Jest workers) each compile to a temporary file and rename.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'fs';
import { join } from 'path';
import { ROOT } from '../io/root';

const SOURCE = join(ROOT, 'kernel', 'driver.c');
/** Pasted into the driver by `#include` and into every C reproducer by `hugecheck repro`. */
export const CORE = join(ROOT, 'kernel', 'core.c');

export class BuildError extends Error {}

export function driverSource(): string {
  return SOURCE;
}

export function buildDriver(): string {
  if (!existsSync(SOURCE)) throw new BuildError(`the driver source ${SOURCE} is missing`);
  const hash = createHash('sha1').update(readFileSync(SOURCE)).update(readFileSync(CORE)).digest('hex').slice(0, 12);
  const dir = join(ROOT, 'build');
  const out = join(dir, `hugecheck-driver-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', tmp, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === 'ENOENT') throw new BuildError('no C compiler (cc) on this machine: the kernel driver cannot be built');
    throw new BuildError(`building the kernel driver failed:\n${err.stderr?.toString() ?? String(e)}`);
  }
  renameSync(tmp, out);
  return out;
}
