// Preloaded into every benchmark child (NODE_OPTIONS=--require): at exit, writes the process's own peak
// RSS and CPU time to $BENCH_USAGE_FILE, so every case is measured the same way without changing what
// it runs.
'use strict';
const fs = require('fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // Node reports maxRSS in kilobytes and CPU times in microseconds.
    const result = { maxRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 };
    fs.writeFileSync(file, JSON.stringify(result));
  });
}
