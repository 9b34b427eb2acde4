#!/usr/bin/env node
// `npm test` runs this first (the `pretest` script). The report's browser test
// drives Debian's headless Chromium and the PNG charts load DejaVu Sans; on a
// fresh Debian machine neither is there. Install them when we may (root with
// apt-get), otherwise say exactly what to run. Never skip the browser test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = ['chromium', 'fonts-dejavu-core'];

function installed(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
const missing = hasDpkg
  ? PACKAGES.filter((pkg) => !installed(pkg))
  : existsSync('/usr/bin/chromium') ? [] : ['chromium'];
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version']).status === 0;
if (!isRoot || !hasApt) {
  console.error(`npm test needs Debian's ${missing.join(' and ')} for the report's browser and PNG tests.`);
  console.error(hasApt ? `Install them once as root:  sudo sh -c '${command}'` : 'Install them with your system\'s package manager (Chromium at /usr/bin/chromium, DejaVu fonts).');
  process.exit(1);
}
console.error(`Installing Debian's ${missing.join(' and ')} for the report's browser and PNG tests (once)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
} catch {
  console.error(`Could not install them. Run as root:  ${command}`);
  process.exit(1);
}
