/** Where the package's own files are: the project root, from dist/io (compiled) or io/ (ts-node, Jest). */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

export const ROOT = existsSync(join(__dirname, '..', 'kernel', 'driver.c')) ? join(__dirname, '..') : join(__dirname, '..', '..');

/** A file shipped with the package (the C runtime the reproducers paste, goldens), as text. */
export function packageText(...parts: string[]): string {
  return readFileSync(join(ROOT, ...parts), 'utf8');
}
