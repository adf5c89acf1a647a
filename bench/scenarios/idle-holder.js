// Part of scenario 3 (idle.js starts it): a process holding N in-process jobs whose next instant is
// years away, under one subject, then doing nothing. It prints `ready` once they are scheduled and
// stays until killed; idle.js measures it from the outside (/proc), so nothing here runs during
// the window. Subjects: taskkit (library Scheduler, function tasks, the schedule kinds a tasks file
// would have: every 30d from 2100, a Feb-29 cron, an `at` in 2099), node-cron and croner (the
// Feb-29 cron), toad (SimpleIntervalJob of 20 days: its longest setInterval), bare (one timer).
// Usage: node bench/scenarios/idle-holder.js SUBJECT N
const [subject = 'bare', nArg = '10000'] = process.argv.slice(2);
const n = Number(nArg);
const noop = () => {};
const farCron = (i) => `${i % 60} ${i % 24} 29 2 *`;

const loaders = {
  async taskkit() {
    const { Scheduler } = await import('../../dist/index.js');
    const scheduler = new Scheduler({ timezone: 'UTC' });
    for (let i = 0; i < n; i++) {
      const kind = i % 3;
      const schedule =
        kind === 0
          ? { every: '30d', start: '2100-01-01T00:00' }
          : kind === 1
            ? { cron: farCron(i) }
            : { at: '2099-12-31T23:59' };
      scheduler.add(`job-${i}`, { ...schedule, run: noop });
    }
    scheduler.start();
  },
  async 'node-cron'() {
    const { default: cron } = await import('node-cron');
    for (let i = 0; i < n; i++) cron.schedule(farCron(i), noop);
  },
  async croner() {
    const { Cron } = await import('croner');
    for (let i = 0; i < n; i++) new Cron(farCron(i), noop);
  },
  async toad() {
    const { ToadScheduler, SimpleIntervalJob, Task } = await import('toad-scheduler');
    const scheduler = new ToadScheduler();
    for (let i = 0; i < n; i++)
      scheduler.addSimpleIntervalJob(new SimpleIntervalJob({ days: 20 }, new Task(`job-${i}`, noop)));
  },
  async bare() {
    setTimeout(noop, 2 ** 31 - 1);
  },
};

const load = loaders[subject];
if (load === undefined) throw new Error(`unknown subject ${subject}`);
const started = performance.now();
await load();
process.stdout.write(`ready ${performance.now() - started}\n`);
