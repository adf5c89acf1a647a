// examples/tasks.yaml: it validates, runs the three examples as module tasks, and writes only
// under ./out/ beside it (state, socket and every path in args). The examples' JSDoc
// (`import('taskkit').TaskContext`) type-checks against the types the package exports.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';
import { expect, test } from 'vitest';
import { loadTasksFile } from '../../src/config/load.js';
import { TEST_ENV } from '../support/config-issues.js';
import { EXAMPLES } from './_support.js';

// require, not import: imported, Node scans typescript.js's 9 MB for ESM syntax and CommonJS export
// names first, ~0.7 s of this file's CPU (cpu-prof) for nothing.
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;

const EXAMPLE_FILES = ['page-generator.js', 'session-sweeper.js', 'adaptive-period.js'];

test('validates: the three examples as module tasks, every file they write under ./out/', () => {
  const file = loadTasksFile(join(EXAMPLES, 'tasks.yaml'), { env: TEST_ENV });
  const out = join(EXAMPLES, 'out');
  expect(
    file.tasks.map((task) => [task.name, task.action.kind === 'module' ? task.action.path : task.action.kind]),
  ).toEqual(EXAMPLE_FILES.map((name) => [name.replace(/\.js$/, ''), join(EXAMPLES, name)]));
  expect([file.settings.stateDir, file.settings.socket]).toEqual([
    join(out, 'state'),
    join(out, 'state', 'taskkit.sock'),
  ]);
  // The modules resolve relative args against their own folder, which is this file's.
  const argPaths = file.tasks.flatMap((task) => {
    const args = task.action.kind === 'module' ? (task.action.args as Record<string, unknown>) : {};
    return Object.entries(args)
      .filter(([key]) => key === 'dir' || key === 'state')
      .map(([, value]) => resolve(EXAMPLES, String(value)));
  });
  expect(argPaths).toEqual([join(out, 'site'), join(out, 'sessions'), join(out, 'adaptive-period.json')]);
});

test("the examples' JSDoc type-checks (strict, checkJs) against taskkit's exported TaskContext", () => {
  // `import('taskkit')` resolves to src/index.ts, the source `npm run build` emits the package's
  // dist/index.d.ts from: `npm test` builds JavaScript only (scripts/transpile.js), no declarations.
  const program = ts.createProgram(
    EXAMPLE_FILES.map((name) => join(EXAMPLES, name)),
    {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      // tsconfig.json's: Node's globals come from @types/node, not from the DOM's 1 MB of declarations.
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      paths: { taskkit: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))] },
    },
  );
  // The examples' diagnostics only: src/ itself is `npm run check`'s to type-check.
  const diagnostics = EXAMPLE_FILES.flatMap((name) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(join(EXAMPLES, name))),
  ).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  expect(diagnostics).toEqual([]);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(EXAMPLES, 'session-sweeper.js'));
  const fn = source?.statements.find(ts.isFunctionDeclaration);
  const parameter = fn?.parameters[0];
  expect(parameter && checker.typeToString(checker.getTypeAtLocation(parameter))).toBe(
    'TaskContext<{ dir: string; maxIdleMinutes: number; }>',
  );
});
