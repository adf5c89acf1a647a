#!/usr/bin/env node
// `npm run test:faults [-- --long]`: the fault-injection suites of test/faults and the cluster
// harness of test/cluster (vitest project `faults`, one file at a time), never part of `npm test`;
// --long sets TASKKIT_FAULTS_LONG=1 and TASKKIT_CLUSTER_LONG=1 for the long forms (minutes).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const long = args.includes('--long');
const rest = args.filter((arg) => arg !== '--long');
const env = { ...process.env, ...(long ? { TASKKIT_FAULTS_LONG: '1', TASKKIT_CLUSTER_LONG: '1' } : {}) };
const result = spawnSync('npx', ['vitest', 'run', '--project', 'faults', ...rest], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
