// Turn process warnings and unhandled rejections into test failures (execa's fixtures-directory habit).
// The `unit` project runs without isolation (vitest.config.ts): a worker imports this file once per
// test file, so the handlers are installed once per process, not once per file (which would itself
// raise a MaxListenersExceededWarning after ten files).
const installed = Symbol.for('taskkit.test.setup.installed');
const registry = globalThis as { [installed]?: true };

if (registry[installed] !== true) {
  registry[installed] = true;
  process.on('warning', (warning) => {
    throw warning;
  });
  process.on('unhandledRejection', (reason) => {
    throw reason;
  });
}
