// Preloaded (`node --import`) into the chainlake child by bench/stack.ts: if the bench process dies
// without cleaning up (kill -9), the IPC channel closes and this stops the child the normal way.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
