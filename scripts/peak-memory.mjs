// Preloaded into a child `uptake` (node --import scripts/peak-memory.mjs): prints the process's peak
// resident memory at exit as `maxrss_kb=N`. On Linux it is VmHWM from /proc/self/status, the high-water
// mark of this program's own memory: getrusage's maxRSS is not, since a child forked from a large
// process (the bench, vitest) starts with its parent's peak and keeps it across exec.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) kb = Number(hwm[1]);
  } catch {
    // not Linux: getrusage's figure
  }
  process.stderr.write(`\nmaxrss_kb=${kb}\n`);
});
