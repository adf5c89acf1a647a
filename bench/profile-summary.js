// Diagnostic: summarise a V8 .cpuprofile (node --cpu-prof) by self time per function and per
// file, and by total (inclusive) time per function, so a profile can be read without DevTools.
// Usage: node bench/profile-summary.js FILE.cpuprofile [--top N] [--per N] [--match TEXT]
//   --per N     divide every figure by N (e.g. the number of runs: ms per run)
//   --match T   also print the callers (by self time below them) of functions whose name or url has T
//   --exclude T leave out every sample with a function whose name is T on its stack (e.g.
//               ChildProcess.spawn: what a run costs besides the fork)
//   --from T    leave out the samples before the first one with a function whose name is T on its
//               stack (e.g. startProcessRun: the start-up before the first run)
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv[0];
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const top = Number(option('--top', 40));
const per = Number(option('--per', 1));
const match = option('--match', undefined);
const exclude = option('--exclude', undefined);
const from = option('--from', undefined);
if (file === undefined) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [--top N] [--per N] [--match TEXT]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Self time per node: each sample's interval goes to the node it landed in.
const onStack = (id, name) => {
  for (let at = id; at !== undefined; at = parent.get(at))
    if (nodes.get(at).callFrame.functionName === name) return true;
  return false;
};
const first = from === undefined ? 0 : profile.samples.findIndex((id) => onStack(id, from));
const selfUs = new Map();
for (let i = Math.max(0, first); i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
let excludedUs = 0;
if (exclude !== undefined) {
  for (const [id, us] of selfUs) {
    if (!onStack(id, exclude)) continue;
    selfUs.delete(id);
    excludedUs += us;
  }
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) =>
  url === '' ? '(native)' : url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
const label = (node) => {
  const f = node.callFrame;
  return `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
};

const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
const byFunction = new Map();
const byFile = new Map();
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const node = nodes.get(id);
  add(byFunction, label(node), us);
  add(byFile, shortUrl(node.callFrame.url) || node.callFrame.functionName, us);
  // Inclusive: each distinct function on the stack once.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = label(nodes.get(at));
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusive, key, us);
    }
  }
}

const ms = (us) => (us / 1000 / per).toFixed(per === 1 ? 1 : 4).padStart(10);
const pct = (us) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`;
const print = (title, map, n = top) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${ms(us)} ms ${pct(us)}  ${key}`);
};
console.log(
  `${file}: ${(totalUs / 1000).toFixed(0)} ms sampled${per === 1 ? '' : `, figures per ${per}`}` +
    (exclude === undefined ? '' : `; ${(excludedUs / 1000).toFixed(0)} ms under ${exclude} left out`),
);
print('self time by function', byFunction);
print('self time by file', byFile, 25);
print('total time by function', inclusive);

if (match !== undefined) {
  const callers = new Map();
  for (const [id, us] of selfUs) {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const node = nodes.get(at);
      if (label(node).includes(match)) {
        const up = parent.get(at);
        add(callers, `${label(node)}  <-  ${up === undefined ? '(root)' : label(nodes.get(up))}`, us);
        break;
      }
    }
  }
  print(`callers of "${match}" (time at and below)`, callers);
}
