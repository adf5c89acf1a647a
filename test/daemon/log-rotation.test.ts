/**
 * The detached daemon's log is capped (issue 15): taskkit.log is copied to taskkit.log.1 and
 * emptied once it reaches its limit, older copies move up, the last one goes; the descriptor the
 * daemon writes through (its stderr) goes on appending to taskkit.log.
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createDaemonLogger } from '../../src/daemon/log.js';
import { createLogRotation, isDescriptorOf, LOG_KEEP, LOG_MAX_BYTES } from '../../src/daemon/log-rotation.js';

let dir: string;
let log: string;
let fd: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-logrot-'));
  log = join(dir, 'taskkit.log');
  fd = openSync(log, 'a', 0o600);
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

/** A stream over `fd`, as process.stderr is over a file: synchronous writes, and an fd. */
function fileStream(target: number): NodeJS.WritableStream {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writeSync(target, chunk);
      done();
    },
  });
  return Object.assign(stream, { fd: target });
}

test('the limits: 10 MiB, three old files', () => {
  expect(LOG_MAX_BYTES).toBe(10 * 1024 * 1024);
  expect(LOG_KEEP).toBe(3);
});

test('at the limit the log is copied to .1 and emptied; the same descriptor then writes at its start', () => {
  const rotation = createLogRotation({ path: log, fd, maxBytes: 1000, keep: 3 });
  writeSync(fd, 'a'.repeat(600));
  expect(rotation.wrote(600)).toBe(false);
  writeSync(fd, 'b'.repeat(600));
  expect(rotation.wrote(600)).toBe(true);
  expect(readFileSync(`${log}.1`, 'utf8')).toBe('a'.repeat(600) + 'b'.repeat(600));
  expect(statSync(`${log}.1`).mode & 0o777).toBe(0o600);
  writeSync(fd, 'after\n');
  // O_APPEND: no hole of 1200 NUL bytes in front of the new line.
  expect(readFileSync(log, 'utf8')).toBe('after\n');
});

test('older copies move up to .keep and the oldest goes', () => {
  const rotation = createLogRotation({ path: log, fd, maxBytes: 10, keep: 3 });
  for (const text of ['first-----', 'second----', 'third-----', 'fourth----']) {
    writeSync(fd, text);
    expect(rotation.wrote(text.length)).toBe(true);
  }
  expect(readFileSync(`${log}.1`, 'utf8')).toBe('fourth----');
  expect(readFileSync(`${log}.2`, 'utf8')).toBe('third-----');
  expect(readFileSync(`${log}.3`, 'utf8')).toBe('second----');
  expect(existsSync(`${log}.4`)).toBe(false);
});

test('a log left over the limit by an older daemon is rotated at once', () => {
  writeSync(fd, 'x'.repeat(2000));
  createLogRotation({ path: log, fd, maxBytes: 1000 });
  expect(statSync(log).size).toBe(0);
  expect(statSync(`${log}.1`).size).toBe(2000);
});

test("lines others write to the file count too (the loader's stderr, a crash's stack trace)", () => {
  const rotation = createLogRotation({ path: log, fd, maxBytes: 1000 });
  const other = openSync(log, 'a');
  writeSync(other, 'y'.repeat(1500));
  closeSync(other);
  expect(rotation.wrote(250)).toBe(true);
  expect(statSync(`${log}.1`).size).toBe(1500);
});

test('the daemon logger rotates only the log file it writes to, and says where the lines went', () => {
  const logger = createDaemonLogger(fileStream(fd), () => Date.parse('2026-12-01T00:00:00Z'));
  logger.rotate(log, { maxBytes: 400, keep: 2 });
  for (let i = 0; i < 10; i++) logger('info', `line ${i} ${'z'.repeat(60)}`);
  logger.flush(); // lines logged together go out together (log-batch.ts)
  const current = readFileSync(log, 'utf8');
  expect(current).toContain('info  log rotated: earlier lines are in taskkit.log.1');
  expect(readFileSync(`${log}.1`, 'utf8')).toMatch(/^2026-12-01T00:00:00.000Z info {2}line \d/m);
  expect(statSync(log).size).toBeLessThan(400 + 200);

  const elsewhere = join(dir, 'mine.log');
  writeFileSync(elsewhere, 'x'.repeat(1000));
  const own = createDaemonLogger(fileStream(fd));
  own.rotate(elsewhere, { maxBytes: 10 });
  own('info', 'hello');
  expect(existsSync(`${elsewhere}.1`)).toBe(false);
  expect(isDescriptorOf(fd, elsewhere)).toBe(false);
  expect(isDescriptorOf(fd, log)).toBe(true);
});

test('the lines of one stretch of synchronous code go out in one write, in order, before what awaits', async () => {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createDaemonLogger(stream, () => Date.parse('2026-12-01T00:00:00Z'));
  logger('info', 'a #1 succeeded in 2ms');
  logger('info', 'b #2 started (on-success)');
  expect(writes).toEqual([]);
  await Promise.resolve();
  expect(writes).toEqual([
    '2026-12-01T00:00:00.000Z info  a #1 succeeded in 2ms\n2026-12-01T00:00:00.000Z info  b #2 started (on-success)\n',
  ]);
  logger('warn', 'c\nforged');
  logger.flush();
  expect(writes[1]).toBe('2026-12-01T00:00:00.000Z warn  c\\nforged\n');
});

test('a line of the tick in which the daemon dies of an uncaught exception is written before the stack trace', () => {
  // dist/ (npm run build): a real process, whose death must not lose the batch (log-batch.ts).
  const logModule = fileURLToPath(new URL('../../dist/daemon/log.js', import.meta.url));
  const script =
    `import(${JSON.stringify(logModule)}).then((m) => { const log = m.createDaemonLogger(process.stderr); ` +
    `setImmediate(() => { log('error', 'last words'); throw new Error('boom'); }); })`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(child.status).toBe(1);
  expect(child.stderr).toMatch(/ error last words\n/);
  expect(child.stderr.indexOf('last words')).toBeLessThan(child.stderr.indexOf('Error: boom'));
});
