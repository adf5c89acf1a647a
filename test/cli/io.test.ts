/**
 * Colour is decided once: on a TTY or with FORCE_COLOR, never with NO_COLOR (it wins over
 * FORCE_COLOR); chalk is loaded only then.
 */
import { expect, test } from 'vitest';
import { PLAIN_PAINTER, loadPainter, shouldUseColor } from '../../src/cli/io.js';
import { createMemoryIo } from '../support/memory-io.js';

test.each([
  [true, {}, true],
  [false, {}, false],
  [true, { NO_COLOR: '1' }, false],
  [true, { NO_COLOR: '' }, true],
  [false, { FORCE_COLOR: '1' }, true],
  [false, { FORCE_COLOR: '' }, false],
  [true, { FORCE_COLOR: '0' }, false],
  [true, { FORCE_COLOR: 'false' }, false],
  [false, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
])('isTTY %s with %j -> colour %s', async (isTTY, env, colour) => {
  const io = createMemoryIo({ isTTY, env });
  expect(shouldUseColor(io)).toBe(colour);
  const paint = await loadPainter(io);
  expect(paint === PLAIN_PAINTER).toBe(!colour);
  expect(paint.green('ok')).toBe(colour ? '\u001b[32mok\u001b[39m' : 'ok');
});
