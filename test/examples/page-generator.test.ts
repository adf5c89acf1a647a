// examples/page-generator.js (TaskKit's page generator) through the real module runner: it writes
// the page with the run's time into args.dir, atomically (no temporary file is ever left).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { startModuleRun } from '../../src/runner/module.js';
import { assertFreshWorkerBuild, createModuleRequest } from '../support/module-run.js';
import { EXAMPLES, makeTempDir } from './_support.js';

beforeAll(assertFreshWorkerBuild);

const MODULE = `${EXAMPLES}page-generator.js`;

test('writes index.html with the scheduled time, task and run, and nothing else', async () => {
  const dir = join(makeTempDir('page'), 'site');
  const request = createModuleRequest(MODULE, { name: 'page-generator', args: { dir, title: 'Ops <status>' } });
  const outcome = await startModuleRun(request).done;
  expect([outcome.status, outcome.error, String(outcome.output)]).toEqual([
    'succeeded',
    null,
    `wrote ${dir}/index.html (2026-06-01T12:00:00.000Z)\n`,
  ]);
  expect(outcome.result).toEqual({ page: `${dir}/index.html`, generatedAt: '2026-06-01T12:00:00.000Z' });
  expect(readdirSync(dir)).toEqual(['index.html']);
  expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(
    [
      '<!doctype html>',
      '<meta charset="utf-8">',
      '<title>Ops &#60;status&#62;</title>',
      '<h1>Ops &#60;status&#62;</h1>',
      '<p>Generated at <time datetime="2026-06-01T12:00:00.000Z">2026-06-01T12:00:00.000Z</time> by task ' +
        'page-generator, run 7.</p>',
      '',
    ].join('\n'),
  );
});

test('a second run replaces the page; a manual run (no scheduled instant) shows the time it ran', async () => {
  const dir = makeTempDir('page');
  await startModuleRun(createModuleRequest(MODULE, { args: { dir } })).done;
  const manual = {
    ...createModuleRequest(MODULE, { args: { dir } }),
    runId: 8,
    trigger: 'manual' as const,
    scheduledAt: null,
  };
  const before = Date.now();
  const outcome = await startModuleRun(manual).done;
  const shown = Date.parse((outcome.result as { generatedAt: string }).generatedAt);
  expect(shown).toBeGreaterThanOrEqual(before);
  expect(shown).toBeLessThanOrEqual(Date.now());
  expect(readdirSync(dir)).toEqual(['index.html']);
  expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain(`by task module-task, run 8.</p>`);
});

test('without args.dir the run fails with one line saying what is needed', async () => {
  const outcome = await startModuleRun(createModuleRequest(MODULE)).done;
  expect([outcome.status, outcome.error]).toEqual([
    'failed',
    'page-generator: args.dir (the folder to write index.html into) is required',
  ]);
});
