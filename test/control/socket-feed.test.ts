/**
 * A connection's replies reach its socket a slice at a time (control/socket-feed.ts), so a client
 * that reads a flood slowly shows progress as it reads: handed all at once, Node gave the kernel
 * one writev of everything buffered, done only when the last byte was taken, and the reader's judge
 * dropped a client that was reading (control-abuse's `logs --follow > file` on a loaded machine).
 */
import { Server, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createSocketFeed } from '../../src/control/socket-feed.js';
import { makeTempDir } from '../support/control-fixture.js';
import { waitUntil } from '../support/process-state.js';

const opened: Array<Server | Socket> = [];
afterEach(() => {
  for (const item of opened.splice(0)) {
    if (item instanceof Server) item.close();
    else item.destroy();
  }
});

/** A connected pair: `server` is the daemon's side, `client` is paused (reads only when asked). */
async function socketPair(): Promise<{ server: Socket; client: Socket }> {
  const path = join(makeTempDir(), 'feed.sock');
  let accepted: Socket | undefined;
  const listener = createServer((socket) => (accepted = socket));
  opened.push(listener);
  await new Promise<void>((resolve) => listener.listen(path, resolve));
  const client = connect(path);
  client.pause();
  opened.push(client);
  await waitUntil(() => accepted !== undefined, 5_000, 'accepted');
  opened.push(accepted as Socket);
  return { server: accepted as Socket, client };
}

/** Read from the paused client until it has read `bytes` in all; counted in `read`. */
async function readUntil(client: Socket, read: { bytes: number }, bytes: number): Promise<void> {
  while (read.bytes < bytes) {
    const chunk = client.read() as Buffer | null;
    if (chunk === null) await new Promise((resolve) => client.once('readable', resolve));
    else read.bytes += chunk.length;
  }
}

const LINE = 'x'.repeat(64 * 1024 - 1) + '\n';

test('progress shows while the client reads, not only once it has read everything', async () => {
  const { server, client } = await socketPair();
  const feed = createSocketFeed(server);
  const total = 32 * 1024 * 1024;
  for (let sent = 0; sent < total; sent += LINE.length) feed.write(LINE);
  expect(feed.behind() + feed.flushed()).toBe(total);
  // Half read: what the kernel took is at least that, less what the kernel's buffers and one slice
  // (256 KiB) hold; 8 MiB is far more than those. Given all at once, it stayed at the first line.
  const read = { bytes: 0 };
  await readUntil(client, read, total / 2);
  await waitUntil(() => feed.flushed() >= total / 2 - 8 * 1024 * 1024, 5_000, 'progress');
  expect(feed.behind()).toBeGreaterThan(0);
  await readUntil(client, read, total);
  await waitUntil(() => feed.behind() === 0, 5_000, 'all taken');
  expect(feed.flushed()).toBe(total);
});

test('end() ends the socket after every line was given to it', async () => {
  const { server, client } = await socketPair();
  const feed = createSocketFeed(server);
  const total = 4 * 1024 * 1024;
  for (let sent = 0; sent < total; sent += LINE.length) feed.write(LINE);
  feed.end();
  let got = 0;
  client.on('data', (chunk: Buffer) => (got += chunk.length));
  const ended = new Promise<void>((resolve) => client.once('end', resolve));
  client.resume();
  await ended;
  expect(got).toBe(total);
});
