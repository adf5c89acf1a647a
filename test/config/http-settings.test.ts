/** `settings.http` (issue 19.1): the address forms, loopback, and the token file a public address needs. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatHttpAddress, isLoopbackHost, parseHttpAddress } from '../../src/config/http-address.js';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-http-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

const TASKS = ['tasks:', '  a:', '    run: "true"'];

describe('the address', () => {
  test.each([
    ['127.0.0.1:9187', '127.0.0.1', 9187, true],
    ['127.1.2.3:80', '127.1.2.3', 80, true],
    ['localhost:9187', 'localhost', 9187, true],
    ['[::1]:9187', '::1', 9187, true],
    ['0.0.0.0:9187', '0.0.0.0', 9187, false],
    ['[::]:1', '::', 1, false],
    ['192.168.1.5:65535', '192.168.1.5', 65535, false],
    ['metrics.example.org:9187', 'metrics.example.org', 9187, false],
  ])('%s', (text, host, port, loopback) => {
    expect(parseHttpAddress(text)).toEqual({ ok: true, value: { host, port, loopback } });
  });

  test.each(['127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:9187', '[127.0.0.1]:1', 'a b:1', ':80', ''])(
    '%s is refused',
    (text) => {
      expect(parseHttpAddress(text).ok).toBe(false);
    },
  );

  test('loopback is decided from the words, never by resolving', () => {
    expect(['127.0.0.1', '127.255.0.1', '::1', '::ffff:127.0.0.1', 'LOCALHOST'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['128.0.0.1', '0.0.0.0', '::', 'localhost.example.org', '10.0.0.1'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(formatHttpAddress({ host: '::1', port: 1 })).toBe('[::1]:1');
  });
});

describe('settings.http in a tasks file', () => {
  test('absent: off, and Settings has no http key', () => {
    expect('http' in fileOf(TASKS).settings).toBe(false);
  });

  test('the short form', () => {
    expect(fileOf(['settings:', '  http: 127.0.0.1:9187', ...TASKS]).settings.http).toEqual({
      listen: '127.0.0.1:9187',
      host: '127.0.0.1',
      port: 9187,
      loopback: true,
      tokenFile: null,
    });
  });

  test('the map form with a private token file', () => {
    const token = tokenFile('good', 'secret\n', 0o600);
    const file = fileOf(['settings:', '  http:', '    listen: 0.0.0.0:9187', `    token-file: ${token}`, ...TASKS]);
    expect(file.settings.http).toEqual({
      listen: '0.0.0.0:9187',
      host: '0.0.0.0',
      port: 9187,
      loopback: false,
      tokenFile: token,
    });
  });

  test('a non-loopback address without token-file is refused at its value, saying why', () => {
    expect(summarize(issuesOf(['settings:', '  http: 0.0.0.0:9187', ...TASKS]))).toEqual([
      [
        'missing-key',
        2,
        9,
        null,
        'listening on 0.0.0.0:9187 (not loopback) requires http.token-file: anyone who can reach the port could ' +
          'read every task and run it. Write http: {listen: 0.0.0.0:9187, token-file: PATH} with a file of mode ' +
          '0600 holding a secret, or listen on 127.0.0.1',
      ],
    ]);
  });

  test('a token file group or others can read is refused, as ssh refuses such a key', () => {
    const token = tokenFile('shared', 'secret\n', 0o640);
    const issues = issuesOf(['settings:', '  http:', '    listen: 0.0.0.0:9187', `    token-file: ${token}`, ...TASKS]);
    expect(summarize(issues)).toEqual([
      [
        'unreadable',
        4,
        17,
        null,
        `token file ${token} has mode 0640: group or others can read it, and a secret others can read is no ` +
          `secret (ssh refuses such a key too); run chmod 600 ${token}`,
      ],
    ]);
  });

  test('an empty or missing token file is refused', () => {
    const empty = tokenFile('empty', '', 0o600);
    const lines = (path: string) => [
      'settings:',
      '  http:',
      '    listen: 127.0.0.1:1',
      `    token-file: ${path}`,
      ...TASKS,
    ];
    expect(issuesOf(lines(empty)).map((issue) => issue.message)).toEqual([
      `token file ${empty} is empty: write a secret in it (such as: openssl rand -hex 32)`,
    ]);
    expect(issuesOf(lines(join(dir, 'missing'))).map((issue) => issue.message)).toEqual([
      `token file ${join(dir, 'missing')}: no such file`,
    ]);
  });

  test('a bad address, a port out of range, an unknown key (with did-you-mean)', () => {
    expect(summarize(issuesOf(['settings:', '  http: 127.0.0.1:70000', ...TASKS]))).toEqual([
      ['invalid-value', 2, 9, null, 'the port must be 1 to 65535, got 70000'],
    ]);
    const issues = issuesOf(['settings:', '  http:', '    listen: 127.0.0.1:1', '    tokenfile: x', ...TASKS]);
    expect(issues.map((issue) => [issue.code, issue.line, issue.message])).toEqual([
      ['unknown-key', 4, 'unknown key "tokenfile" in "http" (did you mean "token-file")'],
    ]);
  });
});
