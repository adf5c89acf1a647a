/**
 * Which function a module run calls (issue 5: "ESM and CommonJS modules both load"): pickExport
 * on namespaces as import() builds them, then real worker runs of .cjs files, CommonJS .js under
 * a package.json without "type": "module", and default-export objects.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { pickExport } from '../../src/runner/module-export.js';
import { startModuleRun } from '../../src/runner/module.js';
import type { TaskContext } from '../../src/task-context.js';
import { assertFreshWorkerBuild, createModuleRequest, MODULE_FIXTURES } from '../support/module-run.js';

beforeAll(assertFreshWorkerBuild);

const ctx = { name: 'job' } as TaskContext;

describe('pickExport', () => {
  test('a direct function export is returned as it is', () => {
    const run = (): string => 'ran';
    expect(pickExport({ run }, 'run', '/m.js')).toEqual({ ok: true, fn: run });
  });

  test('a function inside the default-export object is called as its method (`this` is the object)', () => {
    const task = {
      label: 'tidy',
      run(this: { label: string }, given: TaskContext) {
        return `${this.label} ${given.name}`;
      },
    };
    const picked = pickExport({ default: task }, 'run', '/m.js');
    expect(picked.ok && picked.fn(ctx)).toBe('tidy job');
  });

  test('transpiled CommonJS: "default" is found inside module.exports beside __esModule', () => {
    const picked = pickExport({ __esModule: true, default: { default: () => 'inner default' } }, 'default', '/m.js');
    expect(picked.ok && picked.fn(ctx)).toBe('inner default');
  });

  test('a direct export that is not a function is not replaced by a default-object method of the same name', () => {
    expect(pickExport({ run: 5, default: { run: () => 1 } }, 'run', '/m.js')).toEqual({
      ok: false,
      message: 'module /m.js: export "run" is not a function (got number)',
    });
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['no default export', { run: () => 1 }, 'default', 'module /m.js has no default export (exports: run)'],
    ['no such name, nothing exported', {}, 'run', 'module /m.js has no export "run" (exports: none)'],
    [
      'no such name; the default object’s functions are listed',
      { __esModule: true, default: { sweep: () => 1, limit: 3 } },
      'run',
      'module /m.js has no export "run" (exports: default; the default export has: sweep)',
    ],
    [
      'a default object holding functions says which export to set',
      { default: { sweep: () => 1, tidy: () => 2 } },
      'default',
      'module /m.js: export "default" is not a function (got an object with sweep, tidy; set "export: sweep")',
    ],
    [
      'a default object without functions',
      { default: { a: 1 } },
      'default',
      'module /m.js: export "default" is not a function (got object)',
    ],
    ['null', { run: null }, 'run', 'module /m.js: export "run" is not a function (got null)'],
    ['an array', { run: [] }, 'run', 'module /m.js: export "run" is not a function (got an array)'],
    [
      'a non-function inside the default object',
      { default: { run: 'x' } },
      'run',
      'module /m.js: export "run" is not a function (got string)',
    ],
  ])('%s', (_label, namespace, name, message) => {
    expect(pickExport(namespace, name, '/m.js')).toEqual({ ok: false, message });
  });
});

describe('CommonJS and ESM modules in a real worker', () => {
  test('a .cjs file in a "type": "module" package: module.exports is the default export', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs-default.cjs')).done;
    expect([outcome.status, outcome.error, outcome.result]).toEqual([
      'succeeded',
      null,
      'cjs default for module-task, attempt 1',
    ]);
  });

  test(
    'a .js file under a package.json without "type": "module" loads as CommonJS (require, ' + '__filename, console)',
    async () => {
      const outcome = await startModuleRun(createModuleRequest('cjs/default-function.js', { args: { keep: 3 } })).done;
      expect([outcome.status, String(outcome.output)]).toEqual(['succeeded', 'hello from default-function.js\n']);
      expect(outcome.result).toEqual({
        file: 'default-function.js',
        name: 'module-task',
        args: { keep: 3 },
        proceed: true,
      });
    },
  );

  test('a CommonJS named export (exports.run) is called by `export: run`', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs/named-exports.js', { exportName: 'run' })).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'cjs run called for module-task']);
  });

  test('module.exports = object (no names Node can see): `export: sweep` calls its method with `this`', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs/object-export.js', { exportName: 'sweep' })).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'swept by module-task']);
  });

  test('transpiled CommonJS (exports.default + __esModule) runs with the default `export:`', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs/transpiled.js')).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'transpiled default for module-task']);
  });

  test('an ESM default export that is an object: `export: run` calls its method', async () => {
    const outcome = await startModuleRun(createModuleRequest('default-object.js', { exportName: 'run' })).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'object run for module-task']);
  });

  test('an ESM default object without `export:` says which export to set', async () => {
    const outcome = await startModuleRun(createModuleRequest('default-object.js')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual([
      'failed',
      1,
      `module ${MODULE_FIXTURES}default-object.js: export "default" is not a function (got an object with run; ` +
        `set "export: run")`,
    ]);
  });

  test('a CommonJS throw fails the run with message and stack', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs-throw.cjs')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'boom from cjs']);
    expect(String(outcome.output)).toMatch(/^TypeError: boom from cjs\n {4}at throwFromCjs \(.*cjs-throw\.cjs:3:9\)/);
  });

  test('a CommonJS missing export lists what module.exports has', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs/named-exports.js', { exportName: 'nope' })).done;
    expect(outcome.error).toBe(
      `module ${MODULE_FIXTURES}cjs/named-exports.js has no export "nope" (exports: answer, default, run)`,
    );
  });

  test('a CommonJS non-function export is named', async () => {
    const outcome = await startModuleRun(createModuleRequest('cjs/named-exports.js', { exportName: 'answer' })).done;
    expect(outcome.error).toBe(
      `module ${MODULE_FIXTURES}cjs/named-exports.js: export "answer" is not a function (got number)`,
    );
  });

  test('a CommonJS syntax error says where, with the excerpt once', async () => {
    const path = `${MODULE_FIXTURES}cjs/syntax-error.js`;
    const outcome = await startModuleRun(createModuleRequest(path)).done;
    expect([outcome.status, outcome.error]).toEqual([
      'failed',
      `cannot load module ${path}: Unexpected token ';' (line 3)`,
    ]);
    expect(
      String(outcome.output).startsWith(
        `${path}:3\n  return 1 +;\n            ^\n\nSyntaxError: Unexpected token ';'\n`,
      ),
    ).toBe(true);
    expect(String(outcome.output).split(`${path}:3\n`).length).toBe(2);
  });
});
