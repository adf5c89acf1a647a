/** SIGHUP reloads; SIGTERM/SIGINT stop, the second one says "again"; uninstall removes the handlers. */
import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { describeStopAgain, installSignalHandlers } from '../../src/daemon/signals.js';

test('signals map to stop and reload; after uninstall nothing is called', () => {
  const proc = new EventEmitter();
  const calls: string[] = [];
  const uninstall = installSignalHandlers(proc as unknown as NodeJS.Process, {
    stop: (signal, again) => calls.push(`stop ${signal} ${again}`),
    reload: () => calls.push('reload'),
  });
  proc.emit('SIGHUP');
  proc.emit('SIGTERM', 'SIGTERM');
  proc.emit('SIGINT', 'SIGINT');
  proc.emit('SIGHUP');
  expect(calls).toEqual(['reload', 'stop SIGTERM false', 'stop SIGINT true', 'reload']);
  uninstall();
  expect([proc.listenerCount('SIGTERM'), proc.listenerCount('SIGINT'), proc.listenerCount('SIGHUP')]).toEqual([
    0, 0, 0,
  ]);
});

test('the first stop says how to stop now: Ctrl-C again on a terminal, else the signal', () => {
  expect(describeStopAgain('SIGINT', true)).toBe('press Ctrl-C again to stop now');
  expect(describeStopAgain('SIGINT', false)).toBe('send SIGTERM again to kill them now');
  expect(describeStopAgain('SIGTERM', true)).toBe('send SIGTERM again to kill them now');
  expect(describeStopAgain('stop request', true)).toBe('send SIGTERM again to kill them now');
});
