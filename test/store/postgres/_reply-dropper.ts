/**
 * A Unix-socket proxy in front of the test cluster that can lose one reply: armed with a word,
 * it forwards the next client message containing it to the server, then closes both sides when
 * the server answers, instead of forwarding the answer. The statement ran (and committed); the
 * client only sees its connection end: the "commit outcome unknown" of CLUSTER.md section 3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Pool, createPool } from '../../../src/store/postgres/connect.js';

export class ReplyDropper {
  readonly #dir: string;
  readonly #server: Server;
  readonly #port: number;
  readonly #sockets = new Set<Socket>();
  readonly #pools: Pool[] = [];
  #armed: string | null = null;
  /** Replies dropped so far. */
  dropped = 0;

  private constructor(dir: string, server: Server, port: number) {
    this.#dir = dir;
    this.#server = server;
    this.#port = port;
  }

  static async start(pgHost: string, port: number): Promise<ReplyDropper> {
    const dir = mkdtempSync(join(tmpdir(), 'tk-pg-proxy-'));
    let self: ReplyDropper | null = null;
    const server = createServer((client) => self?.connection(client, join(pgHost, `.s.PGSQL.${port}`)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(join(dir, `.s.PGSQL.${port}`), resolve);
    });
    self = new ReplyDropper(dir, server, port);
    return self;
  }

  /** A pool to database `name` through the proxy. */
  async pool(url: string): Promise<Pool> {
    const database = new URL(url).pathname.slice(1);
    const pool = await createPool({
      url: `postgres:///${database}?host=${encodeURIComponent(this.#dir)}&port=${this.#port}&user=postgres`,
      onError: () => undefined,
    });
    this.#pools.push(pool);
    return pool;
  }

  /** Lose the reply to the next client message that contains `word`. */
  dropNextReplyTo(word: string): void {
    this.#armed = word;
  }

  private connection(client: Socket, upstreamPath: string): void {
    const upstream = createConnection(upstreamPath);
    let doomed = false;
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (this.#armed !== null && chunk.includes(this.#armed)) {
        this.#armed = null;
        doomed = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!doomed) {
        client.write(chunk);
        return;
      }
      this.dropped += 1;
      client.destroy();
      upstream.destroy();
    });
  }

  async stop(): Promise<void> {
    for (const pool of this.#pools) await pool.end().catch(() => undefined);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
