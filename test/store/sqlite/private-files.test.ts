// Issue 15 point 13: the database holds every run's output, so it, its -wal and its -shm are 0600
// whatever the umask, older 0644 files are tightened, and a state dir others can enter is named.
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { openDatabase } from '../../../src/store/sqlite/open.js';
import { useTempState } from '../_support.js';

const temp = useTempState();
const savedUmask = process.umask();
afterEach(() => void process.umask(savedUmask));

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

function openWarning(): string[] {
  const warnings: string[] = [];
  const db = openDatabase(temp.dbPath, { warn: (message) => warnings.push(message) });
  temp.defer(() => db.close());
  db.exec('CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1)');
  return warnings;
}

test('under umask 000 the database, its WAL and its SHM are created 0600', () => {
  chmodSync(temp.dir, 0o700);
  process.umask(0);
  expect(openWarning()).toEqual([]);
  for (const suffix of ['', '-wal', '-shm']) expect(modeOf(`${temp.dbPath}${suffix}`)).toBe('600');
});

test('a 0644 database and WAL left by an older taskkit are made 0600, each with a warning', () => {
  chmodSync(temp.dir, 0o700);
  writeFileSync(temp.dbPath, '');
  chmodSync(temp.dbPath, 0o644);
  writeFileSync(`${temp.dbPath}-wal`, '');
  chmodSync(`${temp.dbPath}-wal`, 0o644);
  const warnings = openWarning();
  expect(warnings).toEqual([
    `${temp.dbPath} was readable by other users (mode 0644); made it 0600`,
    `${temp.dbPath}-wal was readable by other users (mode 0644); made it 0600`,
  ]);
  for (const suffix of ['', '-wal', '-shm']) expect(modeOf(`${temp.dbPath}${suffix}`)).toBe('600');
});

test('a state dir other users can enter is warned about, with the fix', () => {
  chmodSync(temp.dir, 0o755);
  expect(openWarning()).toEqual([
    `state dir ${temp.dir} can be entered by other users (mode 0755): the database, log and socket in it are 0600, ` +
      `but others can see what is there; chmod 700 ${temp.dir} unless you share it on purpose`,
  ]);
});
