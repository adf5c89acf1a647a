// daemon/notify: alerts delivered to real notifier processes, a real HTTP server on loopback and a
// fake sendmail, each delivery recorded pending -> delivered/failed in a real store; pending rows
// a stopped daemon left are delivered at the next start; a hung notifier delays nothing else.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test } from 'vitest';
import type { DeliveryRecord } from '../../../src/store/store.js';
import { makeRun, useTempState } from '../../store/_support.js';
import { isAlive, waitUntil } from '../../support/process-state.js';
import { AT, killGroups, makeAlert, notifyTo, readPids, startService, writeScript, type Harness } from './_support.js';

const temp = useTempState();
const harnesses: Harness[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.service.stop();
  killGroups(readPids(join(temp.dir, 'pids')));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function start(options: Parameters<typeof startService>[2] = {}): Harness & { store: ReturnType<typeof temp.open> } {
  const store = temp.open();
  const harness = startService(store, temp.dir, options);
  harnesses.push(harness);
  return { ...harness, store };
}

function only(records: DeliveryRecord[]): DeliveryRecord {
  expect(records).toHaveLength(1);
  return records[0] as DeliveryRecord;
}

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A loopback server answering `status` (null: never answers), recording each request. */
async function listen(status: number | null): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      if (status !== null) response.writeHead(status).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('run: and command:', () => {
  test('a script gets TASKKIT_EVENT_*, the output tail on stdin, and runs in the tasks file folder', async () => {
    const { service, store } = start();
    writeScript(
      join(temp.dir, 'notify.sh'),
      'env | grep ^TASKKIT_EVENT | sort > env.txt; cat > stdin.txt; pwd > pwd.txt',
    );
    const output = Buffer.concat([Buffer.alloc(10_000, 'a'), Buffer.from('\n'), Buffer.alloc(70_000, 'b')]);
    service.handle(
      makeAlert({ kind: 'run', run: './notify.sh' }, { run: makeRun({ output, outputBytes: output.length }) }),
    );
    await service.idle();
    expect(readFileSync(join(temp.dir, 'env.txt'), 'utf8').split('\n')).toEqual([
      'TASKKIT_EVENT=failure',
      'TASKKIT_EVENT_EXIT_CODE=3',
      'TASKKIT_EVENT_FAILURES=2',
      'TASKKIT_EVENT_RUN_ID=7',
      'TASKKIT_EVENT_STATUS=failed',
      'TASKKIT_EVENT_TASK=backup',
      '',
    ]);
    expect(readFileSync(join(temp.dir, 'stdin.txt')).equals(output.subarray(output.length - 65_536))).toBe(true);
    expect(readFileSync(join(temp.dir, 'pwd.txt'), 'utf8').trim()).toBe(temp.dir);
    expect(only(store.listDeliveries())).toMatchObject({
      task: 'backup',
      event: 'failure',
      runId: 7,
      failures: 2,
      notifier: 'run',
      target: './notify.sh',
      decidedAt: AT,
      status: 'delivered',
      attempts: 1,
      finishedAt: AT + 1_000,
      error: null,
    });
  });

  test('a command: gets its argv as is (no shell), and empty facts where none apply (overdue)', async () => {
    const { service, store } = start();
    const script = writeScript(
      join(temp.dir, 'argv.sh'),
      'for a in "$@"; do echo "[$a]"; done > argv.txt; env | grep ^TASKKIT_EVENT | sort > env.txt',
    );
    const overdueSince = AT - 26 * 3_600_000;
    service.handle(
      makeAlert(
        { kind: 'command', argv: [script, 'a b', '$HOME', '*'] },
        { event: 'overdue', run: null, failures: 0, overdueSince },
      ),
    );
    await service.idle();
    expect(readFileSync(join(temp.dir, 'argv.txt'), 'utf8')).toBe('[a b]\n[$HOME]\n[*]\n');
    expect(readFileSync(join(temp.dir, 'env.txt'), 'utf8')).toBe(
      'TASKKIT_EVENT=overdue\nTASKKIT_EVENT_EXIT_CODE=\nTASKKIT_EVENT_FAILURES=0\nTASKKIT_EVENT_RUN_ID=\n' +
        'TASKKIT_EVENT_STATUS=\nTASKKIT_EVENT_TASK=backup\n',
    );
    expect(only(store.listDeliveries())).toMatchObject({
      event: 'overdue',
      runId: null,
      overdueSince,
      status: 'delivered',
    });
  });

  test('a failing notifier is recorded failed with its exit and words, and logged; it is not retried', async () => {
    const { service, store, logs } = start();
    writeScript(join(temp.dir, 'fail.sh'), 'echo "count" >> count.txt; echo "no route to pager" >&2; exit 3');
    service.handle(makeAlert({ kind: 'run', run: './fail.sh' }));
    await service.idle();
    expect(only(store.listDeliveries())).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'exited with code 3: no route to pager',
    });
    expect(readFileSync(join(temp.dir, 'count.txt'), 'utf8')).toBe('count\n');
    expect(logs).toEqual([
      ['error', 'alert #1 (backup failure) to run: ./fail.sh: failed: exited with code 3: no route to pager'],
    ]);
  });

  test('a notifier past its timeout has its process group killed and is recorded failed', async () => {
    const { service, store } = start({ limits: { processTimeoutMs: 300 } });
    writeScript(join(temp.dir, 'hang.sh'), 'echo $$ >> pids; sleep 30 & wait');
    service.handle(makeAlert({ kind: 'run', run: './hang.sh' }));
    await service.idle();
    expect(only(store.listDeliveries())).toMatchObject({
      status: 'failed',
      error: 'timed out after 300ms; its process group was killed',
    });
    const [pid] = readPids(join(temp.dir, 'pids'));
    await waitUntil(() => pid !== undefined && !isAlive(pid), 5_000, 'the notifier to be killed');
  });
});

describe('url:', () => {
  test('POSTs the facts as JSON with a text line; user:password becomes a header and is never recorded', async () => {
    const { service, store, logs } = start();
    const server = await listen(204);
    const url = server.url.replace('http://', 'http://alice:s3cret@');
    service.handle(makeAlert({ kind: 'url', url }));
    await service.idle();
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['authorization']).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(request?.body).toMatchObject({
      text: 'taskkit: backup failed 2 times in a row (exit 3)',
      event: 'failure',
      task: 'backup',
      runId: 7,
      status: 'failed',
      exitCode: 3,
      failures: 2,
      at: '2026-12-03T03:00:00.000Z',
      overdueSince: null,
      output: 'line 1\nline 2 ✓\n',
      outputTruncated: false,
    });
    const record = only(store.listDeliveries());
    expect(record).toMatchObject({ status: 'delivered', attempts: 1, target: server.url.replace('//', '//***@') });
    expect(JSON.stringify([record, logs])).not.toContain('s3cret');
  });

  test('a server that answers 500 is tried 3 times with backoff, then the delivery is failed', async () => {
    const { service, store } = start();
    const server = await listen(500);
    service.handle(makeAlert({ kind: 'url', url: server.url }));
    await service.idle();
    expect(server.received).toHaveLength(3);
    expect(only(store.listDeliveries())).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'HTTP 500 Internal Server Error (3 attempts)',
    });
  });

  test('a server that never answers times out, and an alert sent meanwhile is delivered first', async () => {
    const { service, store } = start({ limits: { url: { timeoutMs: 500, retryDelaysMs: [] } } });
    const silent = await listen(null);
    const good = await listen(200);
    service.handle(makeAlert({ kind: 'url', url: silent.url }));
    service.handle(makeAlert({ kind: 'url', url: good.url }, { event: 'recovery', failures: 0 }));
    await waitUntil(() => store.listDeliveries().some((row) => row.id === 2 && row.status === 'delivered'));
    expect(store.listDeliveries().find((row) => row.id === 1)?.status).toBe('pending');
    await service.idle();
    expect(store.listDeliveries().map((row) => [row.id, row.status, row.error])).toEqual([
      [2, 'delivered', null],
      [1, 'failed', 'no answer within 500 ms'],
    ]);
    expect(silent.received).toHaveLength(1);
  });

  test('a server that never answers times out even when the garbage collector runs meanwhile', async () => {
    // Node 20 drops an AbortSignal.timeout() that only AbortSignal.any() holds once it is collected:
    // the fetch then waited forever and held one of the four delivery slots for good (issue 16 review).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const { service, store } = start({ limits: { url: { timeoutMs: 300, retryDelaysMs: [] } } });
    const silent = await listen(null);
    service.handle(makeAlert({ kind: 'url', url: silent.url }));
    const collecting = setInterval(collect, 20);
    try {
      await waitUntil(() => store.listDeliveries()[0]?.status === 'failed', 5_000);
    } finally {
      clearInterval(collecting);
    }
    expect(only(store.listDeliveries())).toMatchObject({ status: 'failed', error: 'no answer within 300 ms' });
  });
});

describe('mail:', () => {
  test('sendmail -t -oi gets a well-formed message: headers, a blank line, the facts and the tail', async () => {
    const bin = join(temp.dir, 'bin');
    mkdirSync(bin);
    writeScript(join(bin, 'sendmail'), `printf '%s\\n' "$@" > "${temp.dir}/argv.txt"; cat > "${temp.dir}/mail.txt"`);
    const { service, store } = start({ env: { PATH: `${bin}:/usr/bin:/bin` } });
    const output = Buffer.from('copying...\n\u001b[31merror\u001b[0m: disk full\n');
    service.handle(
      makeAlert(
        { kind: 'mail', to: 'ops@example.com\r\nBcc: evil@example.com' },
        { run: makeRun({ output, outputBytes: output.length }) },
      ),
    );
    await service.idle();
    expect(only(store.listDeliveries())).toMatchObject({ notifier: 'mail', status: 'delivered' });
    expect(readFileSync(join(temp.dir, 'argv.txt'), 'utf8')).toBe('-t\n-oi\n');
    const message = readFileSync(join(temp.dir, 'mail.txt'), 'utf8');
    const [head = '', body = ''] = message.split('\n\n', 2).length === 2 ? splitOnce(message) : ['', ''];
    expect(head.split('\n')).toEqual([
      'To: ops@example.com Bcc: evil@example.com',
      'Subject: taskkit: backup failed 2 times in a row (exit 3)',
      'Date: Thu, 03 Dec 2026 03:00:01 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      'X-Taskkit-Event: failure',
      'X-Taskkit-Task: backup',
    ]);
    expect(body).toContain('run:      #7\nstatus:   failed\nexit:     3\nfailures: 2 consecutive\n');
    expect(body).toContain('copying...\n\\x1b[31merror\\x1b[0m: disk full\n');
    expect(message).not.toContain('\u001b');
  });

  test('no sendmail anywhere: failed, saying so', async () => {
    const { service, store } = start({ env: { PATH: join(temp.dir, 'nothing') } });
    service.handle(makeAlert({ kind: 'mail', to: 'ops@example.com' }));
    await service.idle();
    const record = only(store.listDeliveries());
    // A host with a real /usr/sbin/sendmail delivers there instead: only the message differs.
    if (record.status === 'failed') expect(record.error).toBe('no sendmail on PATH, in /usr/sbin or in /usr/lib');
  });
});

describe('records', () => {
  test('the pending row is queued with the engine writes of the same turn, then updated once', async () => {
    const { service, store } = start();
    writeScript(join(temp.dir, 'ok.sh'), 'cat > /dev/null');
    service.handle(makeAlert({ kind: 'run', run: './ok.sh' }));
    // Not written yet: it waits in the batch of this turn, as the alert state the engine just saved does.
    expect(store.pendingWrites).toBe(1);
    expect(only(store.listDeliveries())).toMatchObject({ id: 1, status: 'pending', attempts: 0, finishedAt: null });
    await service.idle();
    expect(only(store.listDeliveries())).toMatchObject({ id: 1, status: 'delivered', attempts: 1 });
  });

  test('at start, pending rows are delivered late to the task notifier, with run output from the store', async () => {
    const first = temp.open();
    first.saveRun(makeRun());
    first.saveDelivery({
      id: 4,
      task: 'backup',
      event: 'failure',
      runId: 7,
      failures: 2,
      overdueSince: null,
      notifier: 'run',
      target: './old.sh',
      decidedAt: AT,
      status: 'pending',
      attempts: 0,
      finishedAt: null,
      error: null,
    });
    first.saveDelivery({
      id: 5,
      task: 'gone',
      event: 'failure',
      runId: null,
      failures: 1,
      overdueSince: null,
      notifier: 'run',
      target: './old.sh',
      decidedAt: AT,
      status: 'pending',
      attempts: 0,
      finishedAt: null,
      error: null,
    });
    first.close();
    writeScript(join(temp.dir, 'notify.sh'), 'echo "$TASKKIT_EVENT_RUN_ID" > run.txt; cat > stdin.txt');
    const { service, store, logs } = start({ tasks: { backup: notifyTo({ kind: 'run', run: './notify.sh' }) } });
    expect(service.resumePending()).toBe(2);
    await service.idle();
    expect(readFileSync(join(temp.dir, 'run.txt'), 'utf8')).toBe('7\n');
    expect(readFileSync(join(temp.dir, 'stdin.txt'), 'utf8')).toBe('line 1\nline 2 ✓\n');
    expect(store.listDeliveries().map((row) => [row.id, row.status, row.target, row.error])).toEqual([
      [5, 'failed', './old.sh', 'not sent: the task has no notifier in the tasks file any more'],
      [4, 'delivered', './notify.sh', null],
    ]);
    expect(logs.filter(([level]) => level === 'warn').map(([, message]) => message)).toEqual([
      'alert #4 (backup failure, decided 2026-12-03T03:00:00.000Z) was not delivered before the daemon stopped; ' +
        'delivering it now, late',
    ]);
    // New alerts take ids after the restored ones.
    service.handle(makeAlert({ kind: 'run', run: './notify.sh' }));
    await service.idle();
    expect(store.listDeliveries()[0]?.id).toBe(6);
  });

  test('a full queue refuses: the alert fails at once; a stop kills what runs and keeps the rest pending', async () => {
    const { service, store, logs } = start({ limits: { concurrency: 1, maxQueued: 1 } });
    writeScript(join(temp.dir, 'hang.sh'), 'echo $$ >> pids; exec sleep 30');
    for (let i = 0; i < 3; i++) service.handle(makeAlert({ kind: 'run', run: './hang.sh' }));
    expect(store.listDeliveries().map((row) => [row.id, row.status, row.error])).toEqual([
      [3, 'failed', 'not sent: 1 deliveries were already waiting'],
      [2, 'pending', null],
      [1, 'pending', null],
    ]);
    await waitUntil(() => readPids(join(temp.dir, 'pids')).length === 1, 5_000, 'the first notifier to start');
    const [pid] = readPids(join(temp.dir, 'pids'));
    await service.stop();
    await waitUntil(() => pid !== undefined && !isAlive(pid), 5_000, 'the running notifier to be killed');
    expect(store.listDeliveries().map((row) => row.status)).toEqual(['failed', 'pending', 'pending']);
    expect(logs.map(([level]) => level)).toEqual(['error', 'warn']);
    // The one it stopped counts too: both rows are pending (issue 16 review: the log said 1).
    expect(logs[1]?.[1]).toBe('2 alert(s) not delivered yet (1 stopped under way) are kept pending for the next start');
  });

  test('retention keeps the newest 1000 rows', async () => {
    const { service, store } = start();
    writeScript(join(temp.dir, 'ok.sh'), 'true');
    const row = { task: 'backup', event: 'failure', runId: null, failures: 1, overdueSince: null } as const;
    for (let id = 1; id <= 1_005; id++)
      store.saveDelivery({
        ...row,
        id,
        notifier: 'run',
        target: 'x',
        decidedAt: AT,
        status: 'delivered',
        attempts: 1,
        finishedAt: AT,
        error: null,
      });
    store.flush();
    const kept = store.listDeliveries({ limit: 2_000 });
    expect(kept).toHaveLength(1_000);
    expect(kept.at(-1)?.id).toBe(6);
    await service.idle();
  });
});

function splitOnce(message: string): [string, string] {
  const at = message.indexOf('\n\n');
  return [message.slice(0, at), message.slice(at + 2)];
}
