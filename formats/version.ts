/**
 * The tool's version, which every JSON report, result and trace document hugecheck writes carries
 * (`tool`; scenario files keep to the scenario contract's fields), and the rule its
 * formats follow: within one format version (`hugecheck.report/1`, ...) fields are only ever added,
 * and only as optional ones, so a reader of version N reads every document of version N; removing or
 * renaming a field, changing its type or meaning, or making it required bumps the format version.
 * `test/formats.test.ts` keeps this in step with package.json.
 */
export const TOOL_VERSION = '0.1.0';
export const TOOL = `hugecheck ${TOOL_VERSION}`;

/** A document that does not follow its format: which file, where in it, and what is wrong. */
export class FormatError extends Error {}

/** Small checks for the parsers: each names the path of the field in the document. */
export function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FormatError(`${where}: expected an object`);
  return v as Record<string, unknown>;
}

export function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new FormatError(`${where}: expected an array`);
  return v;
}

export function string(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new FormatError(`${where}: expected a string`);
  return v;
}

export function number(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FormatError(`${where}: expected a number`);
  return v;
}

export function format<F extends string>(data: unknown, expected: F, what: string): Record<string, unknown> {
  const o = object(data, 'the document');
  if (o.format !== expected) throw new FormatError(`format is ${JSON.stringify(o.format)}, expected "${expected}" (${what})`);
  return o;
}
