/**
 * Shared by the web listener's tests: a free port, a plain HTTP request with full control of its
 * headers (fetch refuses to set Host or Origin), a raw socket exchange for what no client would
 * send, and a strict parser of the Prometheus text exposition format (version 0.0.4).
 */
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';

/** A port nothing listens on now (bound on port 0, then released). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return send(port, { method: 'GET', path, headers });
}

export function send(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string; host?: string },
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Write `bytes` on a fresh connection; everything the server answers before it closes (or 5 s). */
export function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** One sample of the exposition: its name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Every line of `text` checked against the format: `# HELP name text`, `# TYPE name type` (once per
 * name, before its samples), empty lines, samples `name{label="value",...} number`. Throws at the first line
 * that is not one of these; returns the samples.
 */
export function parseExposition(text: string): Sample[] {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    // The format ignores empty lines (prom-client writes one between families).
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      if (!new RegExp(`^# HELP ${NAME} .*$`).test(line)) throw new Error(`bad HELP, ${where}`);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name = '', type = ''] = line.split(' ');
      if (!new RegExp(`^${NAME}$`).test(name) || !TYPES.has(type) || line.split(' ').length !== 4)
        throw new Error(`bad TYPE, ${where}`);
      if (typed.has(name)) throw new Error(`second TYPE for ${name}, ${where}`);
      typed.set(name, type);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`not a sample, ${where}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    let rest = labelText;
    while (rest !== '') {
      const label = LABEL.exec(rest);
      if (label === null) throw new Error(`bad labels, ${where}`);
      const [whole, key = '', raw = ''] = label;
      if (Object.hasOwn(labels, key)) throw new Error(`label ${key} twice, ${where}`);
      labels[key] = raw.replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
      rest = rest.slice(whole.length);
    }
    const value = /^(\+Inf|-Inf|NaN)$/.test(valueText)
      ? Number(valueText.replace('Inf', 'Infinity'))
      : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value, ${where}`);
    const family = name.replace(/_(bucket|sum|count|total)$/, '');
    if (!typed.has(name) && !typed.has(family)) throw new Error(`sample before its TYPE, ${where}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the one sample with this name and exactly these labels; undefined when absent. */
export function valueOf(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.keys(sample.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found[0]?.value;
}
