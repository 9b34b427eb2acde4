#!/usr/bin/env node
// `npm test` runs this first (the `pretest` script). The report's browser test
// drives Debian's headless Chromium, the PNG charts load DejaVu Sans, and the
// Slurm job-array test (test/distributed/slurm.test.ts) runs a one-node
// cluster of Debian's slurm-wlm and munge; on a fresh Debian machine none is
// there. Install them when we may (root with apt-get), otherwise say exactly
// what to run. Never skip those tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = ['chromium', 'fonts-dejavu-core', 'slurm-wlm', 'munge'];
const WHY = 'the report\'s browser and PNG tests and the Slurm job-array test';

function installed(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
const missing = hasDpkg
  ? PACKAGES.filter((pkg) => !installed(pkg))
  : [['chromium', '/usr/bin/chromium'], ['slurm-wlm', '/usr/sbin/slurmd'], ['munge', '/usr/sbin/munged']].filter(([, path]) => !existsSync(path)).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version']).status === 0;
if (!isRoot || !hasApt) {
  console.error(`npm test needs Debian's ${missing.join(', ')} for ${WHY}.`);
  console.error(hasApt ? `Install them once as root:  sudo sh -c '${command}'` : 'Install them with your system\'s package manager (Chromium at /usr/bin/chromium, DejaVu fonts, Slurm\'s slurmctld and slurmd, munge).');
  process.exit(1);
}
console.error(`Installing Debian's ${missing.join(', ')} for ${WHY} (once)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
} catch {
  console.error(`Could not install them. Run as root:  ${command}`);
  process.exit(1);
}
