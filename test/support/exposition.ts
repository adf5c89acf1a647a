/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for the /metrics
 * tests: every line must be a HELP, a TYPE (once per family, before its samples), an empty line,
 * or a sample with well-formed labels and a number.
 */
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
    const value = readValue(valueText);
    if (value === undefined) throw new Error(`bad value, ${where}`);
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

/**
 * A sample's value as Go's ParseFloat reads it (the format's rule): a decimal or exponent number,
 * or Inf/Infinity and NaN in any case (prom-client writes an empty summary's mean as "Nan").
 */
function readValue(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}
