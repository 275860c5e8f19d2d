/**
 * Loads a user's policy module (`--policy ./my-policy.ts` or `.js`). A TypeScript module is
 * transpiled in memory (TypeScript's transpileModule; no type checking), then run as CommonJS with
 * `require('hugecheck')` resolved to the public API (api.ts). The module exports the policy as its
 * default export, as `policy`, or as a spec `{ name, description, base?, overrides }` built on
 * `linux` (or the named base). Every problem is a UsageError naming the file.
 */
import { existsSync, readFileSync } from 'fs';
import Module from 'module';
import { dirname, resolve } from 'path';
import * as api from '../api';
import { definePolicy, PolicyError, type Policy, type PolicySpec } from '../model/policy';
import { findPolicy } from '../model/policies';
import { UsageError } from './errors';

export function isPolicyPath(name: string): boolean {
  return name.includes('/') || /\.(ts|js|cjs|mjs)$/.test(name);
}

function isPolicy(x: unknown): x is Policy {
  return typeof x === 'object' && x !== null && typeof (x as Policy).allocHugetlbFolio === 'function' && typeof (x as Policy).name === 'string';
}

export function loadPolicyModule(path: string): Policy {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`cannot load policy ${path}: no such file`);
  let source = readFileSync(file, 'utf8');
  if (/\.tsx?$/.test(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const out = ts.transpileModule(source, { fileName: file, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
      const d = errors[0]!;
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      throw new UsageError(`cannot load policy ${path}${pos ? ` (line ${pos.line + 1}, column ${pos.character + 1})` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
    source = out.outputText;
  }
  const m = new Module(file);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(file));
  const ownRequire = m.require.bind(m);
  (m as unknown as { require: (id: string) => unknown }).require = (id: string) => (id === 'hugecheck' ? api : ownRequire(id));
  try {
    (m as unknown as { _compile(code: string, file: string): void })._compile(source, file);
  } catch (e) {
    throw new UsageError(`cannot load policy ${path}: ${e instanceof PolicyError ? e.message : (e as Error).message}`);
  }
  const exp = m.exports as Record<string, unknown>;
  const candidate = exp.default ?? exp.policy ?? exp;
  if (isPolicy(candidate)) return candidate;
  if (typeof candidate === 'object' && candidate !== null && 'overrides' in candidate) {
    const spec = candidate as PolicySpec & { base?: string };
    const base = findPolicy(spec.base ?? 'linux');
    if (!base) throw new UsageError(`cannot load policy ${path}: unknown base policy "${spec.base}"`);
    try {
      return definePolicy(base, { name: spec.name ?? path, description: spec.description ?? `loaded from ${path}`, overrides: spec.overrides });
    } catch (e) {
      throw new UsageError(`cannot load policy ${path}: ${(e as Error).message}`);
    }
  }
  throw new UsageError(`cannot load policy ${path}: it must export a policy (definePolicy(linux, {...})) as default or as "policy", or a spec { name, description, overrides }`);
}
