/** uptake's version, read once from package.json (for --version and run manifests). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function uptakeVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    cached = pkg.version ?? '0.0.0';
  }
  return cached;
}
