import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TimeLeft, progressLines } from '../../src/cli/progress.ts';
import { REPO, uptake } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));
const LINE = /^progress: small_runner_test \d+\/40 rollouts \(\d+%\), .* so far(, about .* left)?$/;

/** A progress reporter on a clock the test moves by hand. */
function onFakeClock(): { lines: string[]; at: (s: number) => void; progress: ReturnType<typeof progressLines> } {
  let t = 0;
  const lines: string[] = [];
  const progress = progressLines('bank', { write: (l) => lines.push(l), now: () => t, heartbeatMs: 0 });
  return { lines, at: (s) => (t = s), progress };
}

describe('progress lines when stderr is not a terminal', () => {
  it('prints a line at every tenth of the rollouts, not in between', () => {
    const { lines, at, progress } = onFakeClock();
    for (let done = 0; done <= 1000; done += 7) {
      at(done / 100);
      progress.update(done, 1000);
    }
    progress.update(1000, 1000);
    expect(lines.map((l) => l.match(/\((\d+)%\)/)![1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
    // The rate is measured from the first finished rollouts (7 at 0.07 s): under a second of it says nothing yet.
    expect(lines[0]).toBe('progress: bank 105/1,000 rollouts (10%), 1.1 s so far\n');
    expect(lines[1]).toBe('progress: bank 203/1,000 rollouts (20%), 2.0 s so far, about 8.0 s left\n');
  });

  it('prints a line after 30 seconds without a new tenth, and nothing after stop', () => {
    const { lines, at, progress } = onFakeClock();
    progress.update(1, 1000);
    at(29);
    progress.update(2, 1000);
    expect(lines).toEqual([]);
    at(30);
    progress.update(3, 1000);
    // 2 rollouts in the 30 s since the first one finished: 997 more take 997 × 15 s.
    expect(lines).toEqual(['progress: bank 3/1,000 rollouts (0%), 30 s so far, about 4 h 09 min left\n']);
    at(59);
    progress.update(4, 1000);
    expect(lines).toHaveLength(1);
    progress.stop();
    at(120);
    progress.update(500, 1000);
    expect(lines).toHaveLength(1);
  });

  it('gives the time left from the rate measured after the first rollouts, start-up not counted', () => {
    const { lines, at, progress } = onFakeClock();
    // 20 s of start-up with nothing finished, then 10 rollouts a second.
    at(20);
    progress.update(0, 1000);
    for (let s = 1; s <= 20; s++) {
      at(20 + s);
      progress.update(10 * s, 1000);
    }
    expect(lines).toEqual(['progress: bank 100/1,000 rollouts (10%), 30 s so far, about 1 min 30 s left\n', 'progress: bank 200/1,000 rollouts (20%), 40 s so far, about 1 min 20 s left\n']);
  });

  it('says nothing of the time left before a second of finished rollouts, and after the last', () => {
    const meter = new TimeLeft();
    meter.observe(0, 5);
    expect(meter.seconds(100)).toBeUndefined();
    meter.observe(10, 6);
    meter.observe(20, 6.5);
    expect(meter.seconds(100)).toBeUndefined();
    meter.observe(30, 7);
    expect(meter.seconds(100)).toBe(70 * 1 / 20);
    meter.observe(100, 9);
    expect(meter.seconds(100)).toBeUndefined();
  });

  it('follows a total that grows without repeating tenths already passed', () => {
    const { lines, progress } = onFakeClock();
    progress.update(20, 20);
    progress.update(20, 40);
    progress.update(24, 40);
    expect(lines.map((l) => l.match(/(\d+\/\d+)/)![1])).toEqual(['20/20', '24/40']);
  });
});

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-progress-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake run with stderr not a terminal', () => {
  it('prints plain progress lines on stderr, and none with --quiet', async () => {
    const loud = await uptake(['run', FIXTURE, '-n', '40', '-w', '1', '--out', join(root, 'loud'), '--no-report']);
    expect(loud.code).toBe(0);
    const lines = loud.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(11);
    for (const l of lines) expect(l).toMatch(LINE);
    expect(lines.at(-1)).toMatch(/ 40\/40 rollouts \(100%\)/);
    expect(loud.stderr).not.toMatch(/\u001b\[|\r/); // no bar, no cursor movement
    const quiet = await uptake(['run', FIXTURE, '-n', '40', '-w', '1', '--out', join(root, 'quiet'), '--no-report', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
