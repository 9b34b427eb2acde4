#!/usr/bin/env node
// `npm run build` (and `prepare`, which `npm ci` runs): compile src/ to dist/
// with tsc (tsconfig.build.json), then stamp the build so bin/uptake.js can
// tell a current build from a stale one.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
let tsc;
try {
  // The package's exports hide bin/, so resolve its package.json and follow its `bin`.
  const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
  tsc = join(dirname(pkg), 'bin', 'tsc');
} catch {
  // An install without devDependencies: bin/uptake.js runs the sources through tsx instead.
  console.error('uptake: typescript is not installed, so no compiled build; the command runs through tsx.');
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
writeFileSync(`${root}dist/.built`, `${new Date().toISOString()}\n`);
