// control/live-output.ts: the output of running runs, kept so that `logs --follow` starts with what
// a run printed before the client asked; bounded, and freed when the run ends.
import { describe, expect, test } from 'vitest';
import { LiveOutput } from '../../src/control/live-output.js';
import { createEngine, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';

function setUp(limitBytes?: number) {
  const engine = createEngine('2026-03-01T12:00:00Z');
  engine.scheduler.add(makeTask('job'));
  engine.scheduler.add(makeTask('other'));
  engine.scheduler.start();
  const live = new LiveOutput(engine.scheduler, limitBytes);
  return { ...engine, live };
}

describe('LiveOutput', () => {
  test("a running run's output so far, per run; '' for a run it does not know", () => {
    const f = setUp();
    const job = f.scheduler.runNow('job');
    const other = f.scheduler.runNow('other');
    f.runner.emitOutput(job.id, 'one\n');
    f.runner.emitOutput(other.id, 'elsewhere\n');
    f.runner.emitOutput(job.id, 'two\n');
    expect(f.live.snapshot(job.id).toString()).toBe('one\ntwo\n');
    expect(f.live.snapshot(other.id).toString()).toBe('elsewhere\n');
    expect(f.live.snapshot(99).toString()).toBe('');
    // Asking twice gives the same (the chunks are joined once, not consumed).
    expect(f.live.snapshot(job.id).toString()).toBe('one\ntwo\n');
  });

  test('keeps the last limitBytes, cut on a character boundary, after a marker counting what went', () => {
    const f = setUp(10);
    const job = f.scheduler.runNow('job');
    f.runner.emitOutput(job.id, 'abcdef');
    f.runner.emitOutput(job.id, 'ghij');
    expect(f.live.snapshot(job.id).toString()).toBe('abcdefghij');
    f.runner.emitOutput(job.id, 'klm');
    expect(f.live.snapshot(job.id).toString()).toBe('[taskkit: 3 earlier bytes not shown]\ndefghijklm');
    // "é" is two bytes: cutting 1 byte into it would leave half a character; the whole "é" goes.
    f.runner.emitOutput(job.id, 'é');
    expect(f.live.snapshot(job.id).toString()).toBe('[taskkit: 5 earlier bytes not shown]\nfghijklmé');
    f.runner.emitOutput(job.id, 'x'.repeat(25));
    expect(f.live.snapshot(job.id).toString()).toBe(`[taskkit: 30 earlier bytes not shown]\n${'x'.repeat(10)}`);
  });

  test('keeps bytes, not text: a NUL and a 0xFF come back as written; a cut character is skipped whole', () => {
    const f = setUp(6);
    const job = f.scheduler.runNow('job');
    f.runner.emitOutput(job.id, Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]));
    expect(f.live.snapshot(job.id)).toEqual(Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]));
    // "€" is e2 82 ac: the last 6 bytes start inside it, at 82; its 82 ac go with the 6 dropped.
    f.runner.emitOutput(job.id, Buffer.from([0xe2, 0x82, 0xac, 0xff, 0x00, 0x7a, 0x7a]));
    expect(f.live.snapshot(job.id)).toEqual(
      Buffer.concat([Buffer.from('[taskkit: 8 earlier bytes not shown]\n'), Buffer.from([0xff, 0x00, 0x7a, 0x7a])]),
    );
  });

  test('follow: the snapshot, then every later chunk of that run only, until stop()', () => {
    const f = setUp();
    const job = f.scheduler.runNow('job');
    const other = f.scheduler.runNow('other');
    f.runner.emitOutput(job.id, 'before\n');
    const seen: string[] = [];
    const following = f.live.follow(job.id, (chunk) => seen.push(Buffer.from(chunk).toString()));
    expect(following.snapshot.toString()).toBe('before\n');
    f.runner.emitOutput(job.id, 'after\n');
    f.runner.emitOutput(other.id, 'not mine\n');
    following.stop();
    f.runner.emitOutput(job.id, 'unseen\n');
    expect(seen).toEqual(['after\n']);
  });

  test("a run's output is freed when it ends; close() stops listening", async () => {
    const f = setUp();
    const job = f.scheduler.runNow('job');
    f.runner.emitOutput(job.id, 'x\n');
    expect(f.live.size).toBe(1);
    f.runner.finish(job.id);
    await flush();
    expect([f.live.size, f.live.snapshot(job.id).length]).toEqual([0, 0]);
    const next = f.scheduler.runNow('job');
    f.live.close();
    f.runner.emitOutput(next.id, 'y\n');
    expect([f.live.size, f.live.snapshot(next.id).length]).toEqual([0, 0]);
  });
});
