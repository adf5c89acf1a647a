// examples/session-sweeper.js (TaskKit's SessionTask) through the real module runner: it removes
// the idle sessions only, and on cancel ctx.proceed() turns false and the loop stops within one
// session (issue 5, "Done means").
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { startModuleRun } from '../../src/runner/module.js';
import { describeStop } from '../../src/runner/outcome.js';
import type { RunHandle } from '../../src/runner/types.js';
import { assertFreshWorkerBuild, createModuleRequest } from '../support/module-run.js';
import { EXAMPLES, makeTempDir } from './_support.js';

beforeAll(assertFreshWorkerBuild);

const MODULE = `${EXAMPLES}session-sweeper.js`;
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

/** `names` as session files; the idle ones last used long ago, the others now. */
function makeSessions(dir: string, idle: readonly string[], fresh: readonly string[] = []): void {
  for (const name of [...idle, ...fresh]) writeFileSync(join(dir, name), 'user=ada\n');
  for (const name of idle) utimesSync(join(dir, name), LONG_AGO, LONG_AGO);
}

const sessions = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.session'))
    .sort();

describe('a whole sweep', () => {
  test('removes sessions idle for longer than maxIdleMinutes, keeps the rest and other files', async () => {
    const dir = makeTempDir('sessions');
    makeSessions(dir, ['a.session', 'c.session', 'e.session'], ['b.session', 'd.session']);
    writeFileSync(join(dir, 'notes.txt'), 'not a session');
    utimesSync(join(dir, 'notes.txt'), LONG_AGO, LONG_AGO);
    const outcome = await startModuleRun(createModuleRequest(MODULE, { args: { dir, maxIdleMinutes: 30 } })).done;
    expect([outcome.status, String(outcome.output)]).toEqual([
      'succeeded',
      'swept a.session\nswept c.session\nswept e.session\n',
    ]);
    expect(outcome.result).toEqual({ swept: 3, kept: 2, left: 0, stopped: false });
    expect(readdirSync(dir).sort()).toEqual(['b.session', 'd.session', 'notes.txt']);
  });

  test('a missing session folder is an empty sweep, not a failure', async () => {
    const dir = join(makeTempDir('sessions'), 'none-yet');
    const outcome = await startModuleRun(createModuleRequest(MODULE, { args: { dir, maxIdleMinutes: 30 } })).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', { swept: 0, kept: 0, left: 0, stopped: false }]);
  });

  test('without its args the run fails with one line saying what is needed', async () => {
    const outcome = await startModuleRun(createModuleRequest(MODULE, { args: { dir: '/tmp' } })).done;
    expect([outcome.status, outcome.error]).toEqual([
      'failed',
      'session-sweeper: args.dir (a folder) and args.maxIdleMinutes (a number) are required',
    ]);
  });
});

describe('cancel', () => {
  test('proceed() turns false and the loop stops within one session of the cancel', async () => {
    const dir = makeTempDir('sessions');
    const total = 3000;
    const names = Array.from({ length: total }, (_, index) => `s-${String(index).padStart(5, '0')}.session`);
    makeSessions(dir, names);
    let leftAtCancel: number | null = null;
    const handle: RunHandle = startModuleRun(
      createModuleRequest(MODULE, { args: { dir, maxIdleMinutes: 30 } }),
      (chunk) => {
        if (leftAtCancel !== null || !chunk.toString().startsWith('swept ')) return;
        // cancel() sets the stop flag the worker's proceed() reads synchronously; counting after
        // it, at most the one session being removed then can still go.
        handle.cancel('cancel');
        leftAtCancel = sessions(dir).length;
      },
    );
    const outcome = await handle.done;
    const left = sessions(dir).length;
    expect([
      outcome.status,
      outcome.exitCode,
      outcome.error,
      outcome.stop === null ? '' : describeStop(outcome.stop),
    ]).toEqual(['cancelled', 0, null, 'cancelled by taskkit cancel']);
    const result = outcome.result as { swept: number; kept: number; left: number; stopped: boolean };
    expect(result.stopped).toBe(true);
    expect(result.kept).toBe(0);
    expect(leftAtCancel).not.toBeNull();
    expect((leftAtCancel ?? 0) - left).toBeGreaterThanOrEqual(0);
    expect((leftAtCancel ?? 0) - left).toBeLessThanOrEqual(1);
    // The loop did stop early, and what it reports is what happened on disk, in order.
    expect(result.swept).toBeLessThan(total);
    expect([result.swept + result.left, left]).toEqual([total, total - result.swept]);
    expect(String(outcome.output)).toBe(
      names
        .slice(0, result.swept)
        .map((name) => `swept ${name}\n`)
        .join(''),
    );
    expect(sessions(dir)).toEqual(names.slice(result.swept));
  });
});
