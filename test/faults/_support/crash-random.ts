/**
 * The crash suite's randomness: one seeded PRNG (mulberry32) for every kill moment and downtime,
 * so a failing run replays with TASKKIT_FAULTS_SEED=<seed printed in its summary line>.
 */

/** The seed: TASKKIT_FAULTS_SEED when set (a replay), else a fresh one. */
export function readFaultsSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env['TASKKIT_FAULTS_SEED'];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`TASKKIT_FAULTS_SEED must be a whole number 0..4294967295, got ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}

/** A PRNG of [0, 1) numbers: mulberry32, small and good enough to spread kill moments. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** A whole number of ms in [min, max), drawn from `random`. */
export function drawMs(random: () => number, min: number, max: number): number {
  return Math.floor(min + random() * (max - min));
}
