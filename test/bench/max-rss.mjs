// Preloaded with --import: prints the process's peak RSS on exit, for the benchmark to read.
process.on('exit', () => {
  process.stderr.write(`\nXENT_BENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
