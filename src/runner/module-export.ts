/**
 * Which function of an imported module a run calls (`export:`, default "default"), for ESM and
 * CommonJS alike. import() of a CommonJS file gives `default` = module.exports plus the names
 * Node's lexer detects; `module.exports = task` (an object in a variable) and transpiled output
 * (`exports.default = fn` beside `__esModule`) hide their functions inside `default`, so the
 * default export's own property of the wanted name is the fallback.
 */
import type { TaskFunction } from '../task-context.js';

/** The function to call, or the one-line reason there is none. */
export type PickedExport =
  { readonly ok: true; readonly fn: TaskFunction } | { readonly ok: false; readonly message: string };

/** Find export `name` of `namespace` (the module at `path`), or say what is wrong with it. */
export function pickExport(namespace: Readonly<Record<string, unknown>>, name: string, path: string): PickedExport {
  const isDirect = Object.hasOwn(namespace, name);
  const direct = isDirect ? namespace[name] : undefined;
  if (typeof direct === 'function') return { ok: true, fn: direct as TaskFunction };
  const holder = namespace['default'];
  // "default" itself may hold a `default` function (transpiled output); other names fall back only when not exported
  // directly.
  const isNested = (!isDirect || name === 'default') && isObject(holder) && Object.hasOwn(holder, name);
  const nested = isNested ? holder[name] : undefined;
  if (typeof nested === 'function') {
    // Called as a method, so a task object that uses `this` works as it does under require().
    return { ok: true, fn: (ctx) => (nested as (this: unknown, ...args: unknown[]) => unknown).call(holder, ctx) };
  }
  if (isDirect || isNested) {
    return {
      ok: false,
      message: `module ${path}: export "${name}" is not a function (got ${describeType(isNested ? nested : direct)})`,
    };
  }
  const missing = name === 'default' ? 'default export' : `export "${name}"`;
  return { ok: false, message: `module ${path} has no ${missing} (${listExports(namespace)})` };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

/** The type found, and for an object holding functions, which `export:` would reach them. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (!isObject(value)) return typeof value;
  const functions = Object.keys(value).filter((key) => typeof value[key] === 'function');
  const first = functions[0];
  return first === undefined ? 'object' : `an object with ${functions.join(', ')}; set "export: ${first}"`;
}

/** "exports: a, b" plus the functions a default-export object holds (they are callable by name too). */
function listExports(namespace: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(namespace).filter((key) => key !== '__esModule');
  const listed = `exports: ${names.join(', ') || 'none'}`;
  const holder = namespace['default'];
  if (!isObject(holder)) return listed;
  const inner = Object.keys(holder).filter((key) => typeof holder[key] === 'function' && !names.includes(key));
  return inner.length === 0 ? listed : `${listed}; the default export has: ${inner.join(', ')}`;
}
