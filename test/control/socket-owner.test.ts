// Issue 15 point 12: the checks the CLI makes (lstat, links not followed) before talking to a socket.
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { listenControl, type ControlServer } from '../../src/control/server.js';
import { verifySocketOwner } from '../../src/control/socket-owner.js';
import { connectControl } from '../../src/control/client.js';
import type { RequestDispatcher } from '../../src/control/connection.js';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { exitCodeFor } from '../../src/errors.js';
import { makeTempDir } from '../support/control-fixture.js';

const uid = process.getuid?.() ?? 0;
const servers: ControlServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const dispatcher: RequestDispatcher = {
  hello: () => ({ version: PROTOCOL_VERSION, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket: '' }),
  dispatch: () => 'ok',
};

async function serveIn(folder: string): Promise<string> {
  const server = await listenControl({ socket: join(folder, 's.sock'), dispatcher });
  servers.push(server);
  return server.socket;
}

test('a socket of mine in a private folder, or in a sticky shared one, is trusted', async () => {
  const shared = join(makeTempDir(), 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  await expect(verifySocketOwner(await serveIn(makeTempDir()), uid)).resolves.toBeUndefined();
  await expect(verifySocketOwner(await serveIn(shared), uid)).resolves.toBeUndefined();
});

test('a socket in a folder others can write without the sticky bit is refused by the client, exit code 3', async () => {
  const open = join(makeTempDir(), 'open');
  mkdirSync(open);
  const socket = await serveIn(open);
  chmodSync(open, 0o777);
  const refused = connectControl({ socket });
  await expect(refused).rejects.toMatchObject({ code: 'SOCKET_UNTRUSTED' });
  expect(exitCodeFor(await refused.catch((error: unknown) => error))).toBe(3);
  await expect(refused).rejects.toThrow(
    `refusing to talk to ${socket}: it is in ${open}, which other users can write (mode 0777) without the sticky bit`,
  );
});

test('a socket owned by another user is refused; seen as that user, it is trusted', async () => {
  const socket = await serveIn(makeTempDir());
  const other = uid === 0 ? 1000 : uid + 1;
  // The file is mine (or root's): to "another user" it is another user's, unless that is root.
  if (uid !== 0) await expect(verifySocketOwner(socket, other)).rejects.toMatchObject({ code: 'SOCKET_UNTRUSTED' });
  await expect(verifySocketOwner(socket, uid)).resolves.toBeUndefined();
});

test('a symlink to a socket in an unsafe folder is judged by where it leads', async () => {
  const open = join(makeTempDir(), 'open');
  mkdirSync(open);
  const socket = await serveIn(open);
  chmodSync(open, 0o777);
  const link = join(makeTempDir(), 'link.sock');
  symlinkSync(socket, link);
  await expect(verifySocketOwner(link, uid)).rejects.toThrow(
    `refusing to talk to ${link}: it is in ${open}, which other users can write`,
  );
});
