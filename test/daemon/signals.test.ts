/** SIGHUP reloads; SIGTERM/SIGINT stop, the second one says "again"; uninstall removes the handlers. */
import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { installSignalHandlers } from '../../src/daemon/signals.js';

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
