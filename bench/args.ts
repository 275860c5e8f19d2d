/** The bench scripts' command line: `argv` as given, and `arg(NAME)` the value after `--NAME`. */
export const argv = process.argv.slice(2);

export function arg(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
