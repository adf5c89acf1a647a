/**
 * The whole-file examples of README.md and taskkit.yaml(5) (a block that starts with `settings:` or
 * `tasks:`) are valid tasks files as written: a reader copies them (issue 16 review found two that
 * were not, a task with nothing to run in each).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseTasksText } from '../../src/config/load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WHOLE_FILE = /^(settings|tasks):/;

function readmeExamples(): string[] {
  const text = readFileSync(`${ROOT}README.md`, 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/** The `.nf` ... `.fi` blocks of a man page, with groff's `\-` as `-`. */
function manExamples(page: string): string[] {
  const text = readFileSync(`${ROOT}man/${page}`, 'utf8');
  return [...text.matchAll(/^\.nf\n([\s\S]*?)^\.fi$/gm)].map((match) => (match[1] ?? '').replaceAll('\\-', '-'));
}

const examples = [
  ...readmeExamples().map((text, index) => ({ where: `README.md yaml block ${index + 1}`, text })),
  ...manExamples('taskkit.yaml.5').map((text, index) => ({ where: `taskkit.yaml(5) example ${index + 1}`, text })),
].filter((example) => WHOLE_FILE.test(example.text));

test('there are whole-file examples to check', () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
});

// Lint (config/lint/) reads a clock: the examples are linted at a fixed instant, so that an `at`
// in an example does not turn into a warning the day it passes.
const LINT_AT = Date.UTC(2026, 11, 1, 12, 0, 0);

test.each(examples)('$where is a valid tasks file, without lint warnings', ({ text }) => {
  let problems: string[];
  try {
    const file = parseTasksText(text, 'tasks.yaml', { env: {}, baseDir: ROOT, lintNow: LINT_AT });
    problems = file.warnings
      .filter((issue) => issue.code !== 'host')
      .map((issue) => `${issue.line}:${issue.column}: ${issue.code}: ${issue.message}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`);
  }
  expect(problems).toEqual([]);
});
