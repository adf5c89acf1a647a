/**
 * The layer rules of DESIGN.md "Layers" and STYLE.md practice 1, enforced on the import graph:
 * each layer may import only the layers listed for it (type-only imports included: a contract
 * leaking the wrong way is the first step of a dependency leaking the wrong way).
 */
import { describe, expect, test } from 'vitest';
import { importsOf, listSourceFiles, resolveUnderSrc } from './_import-graph.js';

/** Which top-level folders (or root files) each layer may import from. */
const ALLOWED: Record<string, readonly string[]> = {
  schedule: ['schedule'],
  config: ['config', 'schedule', 'errors.ts', 'task-context.ts'],
  engine: [
    'engine',
    'schedule',
    'errors.ts',
    'task-context.ts',
    'config/types.ts',
    'config/definition.ts',
    'runner/types.ts',
  ],
  // engine/clock.ts: the injected clock times runs too (timeouts on the fake clock in tests).
  runner: ['runner', 'errors.ts', 'task-context.ts', 'config/types.ts', 'schedule', 'engine/clock.ts'],
  // schedule/duration.ts: migration 2 reads the durations in old stop words once (legacy-stops.ts).
  // schedule/spec-check.ts (+ show-value.ts for its words): a stored reschedule is checked as it is
  // read, so that no Store hands the engine a schedule it cannot use (issue 15 point 2).
  store: [
    'store',
    'errors.ts',
    'engine/ports.ts',
    'engine/run.ts',
    'engine/task-state.ts',
    'schedule/types.ts',
    'schedule/duration.ts',
    'schedule/spec-check.ts',
    'schedule/show-value.ts',
    'config/types.ts',
    'config/definition.ts',
  ],
  control: [
    'control',
    'errors.ts',
    'engine',
    'config',
    'schedule',
    'store',
    'runner/types.ts',
    'runner/outcome.ts',
    'task-context.ts',
  ],
  // The web listener (issue 19): the control socket's handlers and views, the engine's events.
  // cli/format, cli/io.ts (its Painter type) and cli/task-graph.ts: the page words tasks and runs as list,
  // show, history and graph do (pure formatters); escape-control.ts: control characters in its text.
  http: [
    'http',
    'errors.ts',
    'escape-control.ts',
    'config',
    'control',
    'engine',
    'schedule',
    'runner/types.ts',
    'task-context.ts',
    'cli/format',
    'cli/io.ts',
    'cli/task-graph.ts',
  ],
  // cli/format and cli/io.ts (its Painter, chalk's level) as http has them: the daemon draws `taskkit list` for
  // the CLI with the CLI's own table code (daemon/list-table.ts, control `list-table`, issue 20.3).
  daemon: [
    'daemon',
    'http',
    'cli/format',
    'cli/io.ts',
    'errors.ts',
    'escape-control.ts',
    'config',
    'engine',
    'runner',
    'schedule',
    'store',
    'control',
    'task-context.ts',
  ],
  cli: [
    'cli',
    'errors.ts',
    'escape-control.ts',
    'config',
    'schedule',
    'control',
    'store',
    'daemon',
    'runner',
    'task-context.ts',
  ],
  library: ['library', 'errors.ts', 'config', 'engine', 'runner', 'schedule', 'task-context.ts'],
};

/** Packages a layer must not use even indirectly by name (formatting and processes stay where they belong). */
const FORBIDDEN_PACKAGES: Record<string, readonly string[]> = {
  schedule: ['node:fs', 'node:child_process', 'execa', 'chalk', 'better-sqlite3'],
  config: ['node:child_process', 'execa', 'chalk', 'better-sqlite3'],
  engine: ['node:child_process', 'execa', 'chalk', 'better-sqlite3', 'node:fs'],
  control: ['chalk'],
  http: ['chalk', 'better-sqlite3', 'node:child_process', 'execa'],
  runner: ['chalk', 'better-sqlite3'],
};

const files = listSourceFiles();

describe.each(Object.keys(ALLOWED))('layer %s', (layer) => {
  const own = files.filter((file) => file.rel.startsWith(`${layer}/`));
  test.skipIf(own.length === 0)('imports only what DESIGN.md allows', () => {
    const violations: string[] = [];
    for (const file of own) {
      for (const specifier of importsOf(file.path)) {
        if (!specifier.startsWith('.')) {
          if ((FORBIDDEN_PACKAGES[layer] ?? []).includes(specifier))
            violations.push(`${file.rel} imports ${specifier}`);
          continue;
        }
        const target = resolveUnderSrc(file.path, specifier);
        const allowed = (ALLOWED[layer] ?? []).some((entry) => target === entry || target.startsWith(`${entry}/`));
        if (!allowed) violations.push(`${file.rel} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
