// Turn process warnings and unhandled rejections into test failures (execa's fixtures-directory habit).
process.on('warning', (warning) => {
  throw warning;
});
process.on('unhandledRejection', (reason) => {
  throw reason;
});
