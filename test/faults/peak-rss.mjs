/**
 * Test tooling for the memory-estimate check (loaded into a child with `node --import`): at exit,
 * writes the process's peak resident set size in bytes (getrusage ru_maxrss) to
 * ANONSIM_PEAK_RSS_FILE. With --workers 1 every job runs on the main thread, so this is the run's peak.
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.ANONSIM_PEAK_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
