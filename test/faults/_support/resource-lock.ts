/**
 * Another process holding the history database locked: a Node child that opens it with
 * better-sqlite3, takes `BEGIN EXCLUSIVE` (in WAL mode: the write lock; readers go on), holds it,
 * then commits and exits. It says `locked` and `released` on stdout, with the time of each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

const SCRIPT = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { timeout: 10000 });
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked ' + Date.now() + '\\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released ' + Date.now() + '\\n');
}, Number(process.argv[3]));
`;

export interface LockHolder {
  readonly child: ChildProcess;
  /** When the lock was taken (epoch ms). */
  readonly lockedAt: number;
  /** Resolves with when it was released, once the holder exited. */
  readonly released: Promise<number>;
}

/** Take the write lock of the database at `path` in another process for `holdMs`. */
export async function holdDatabaseLock(path: string, holdMs: number): Promise<LockHolder> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const child = spawn(process.execPath, ['-e', SCRIPT, module, path, String(holdMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lockedAt = await new Promise<number>((resolve, reject) => {
    const check = (): void => {
      const match = /locked (\d+)/.exec(out);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    };
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`the lock holder exited (${code}) before locking: ${out}`)));
  });
  const released = exited.then((code) => {
    const match = /released (\d+)/.exec(out);
    if (code !== 0 || match?.[1] === undefined) throw new Error(`the lock holder failed (${code}): ${out}`);
    return Number(match[1]);
  });
  return { child, lockedAt, released };
}
