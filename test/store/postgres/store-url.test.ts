import { describe, expect, test } from 'vitest';
import { describeTarget, redactUrl, storeUrlProblem } from '../../../src/store/postgres/store-url.js';

describe('cluster store URLs', () => {
  test('postgres:// and postgresql:// URLs without a password are taken', () => {
    for (const url of [
      'postgres://taskkit@db.example:5432/cron',
      'postgresql://db.example/cron',
      'postgres:///cron?host=/run/postgresql',
      'POSTGRES://u@h/d',
    ]) {
      expect(storeUrlProblem(url), url).toBeNull();
    }
  });

  test('a password is refused, and never shown', () => {
    expect(storeUrlProblem('postgres://u:pw@h/d')).toBe(
      'the URL "postgres://u:***@h/d" carries a password: put it in ~/.pgpass or PGPASSWORD',
    );
    expect(storeUrlProblem('postgres://h/d?sslmode=require&password=pw')).toBe(
      'the URL "postgres://h/d?sslmode=require&password=***" carries a password: put it in ~/.pgpass or PGPASSWORD',
    );
    // An empty password is no password.
    expect(storeUrlProblem('postgres://u:@h/d')).toBeNull();
  });

  test('other schemes are refused', () => {
    expect(storeUrlProblem('mysql://u@h/d')).toBe('"mysql://u@h/d" is not a postgres:// or postgresql:// URL');
    expect(storeUrlProblem('db.example')).toBe('"db.example" is not a postgres:// or postgresql:// URL');
  });

  test('redaction keeps everything but the secret', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5/d?x=1')).toBe('postgres://u:***@h:5/d?x=1');
    expect(redactUrl('postgres://u@h/d')).toBe('postgres://u@h/d');
  });

  test('without a URL, messages name where the PG* variables point', () => {
    expect(describeTarget(null, { PGHOST: '/tmp/s', PGPORT: '6000', PGUSER: 'ops', PGDATABASE: 'cron' })).toBe(
      'PGHOST=/tmp/s PGPORT=6000 PGUSER=ops PGDATABASE=cron',
    );
    expect(describeTarget(null, { USER: 'me' })).toBe('PGHOST=localhost PGPORT=5432 PGUSER=me PGDATABASE=me');
    expect(describeTarget('postgres://u:x@h/d')).toBe('postgres://u:***@h/d');
  });
});
