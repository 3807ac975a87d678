// Preloaded with --import: prints the process's peak RSS and its CPU time (user + system, all threads) on exit,
// for the benchmark to read.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nXENT_BENCH_MAX_RSS_KB=${usage.maxRSS}\nXENT_BENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
