/** Loads every golden scenario under scenarios/golden. */
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import type { Scenario } from '../../scenario/types';
import { parseScenarioText } from '../../scenario/validate';

export const ROOT = join(__dirname, '..', '..');
export const GOLDEN_DIR = join(ROOT, 'scenarios', 'golden');

export interface Golden {
  file: string;
  scenario: Scenario;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

export function loadGoldens(): Golden[] {
  return walk(GOLDEN_DIR)
    .sort()
    .map((f) => ({ file: relative(ROOT, f), scenario: parseScenarioText(readFileSync(f, 'utf8'), f) }));
}
