/**
 * What `taskkit edit` opens when the tasks file does not exist yet. crontab starts from an empty
 * file, but a tasks file needs a task to be valid, so this one holds an on-demand example that
 * never runs by itself. Saved unchanged, nothing is created ("no changes made").
 */
export const NEW_TASKS_FILE_TEMPLATE = [
  '# The tasks taskkit runs; taskkit.yaml(5) lists every key. On save, "taskkit edit" checks the',
  '# file, installs it and reloads the daemon. Example schedules: every: 10m / daily: "03:30" /',
  '# cron: "*/15 * * * 1-5" / cron: "@reboot". A task with no schedule runs on demand',
  '# (taskkit run-now NAME).',
  'tasks:',
  '  example:',
  '    description: an example; runs only with "taskkit run-now example"',
  '    run: echo "hello from taskkit"',
  '',
].join('\n');
