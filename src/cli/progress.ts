/**
 * Progress for logs: when stderr is not a terminal (CI, a redirect), a bar
 * would be noise and silence looks like a hang, so a long run prints one
 * plain line at every tenth of the work and at least every 30 seconds.
 */
import { formatDuration, formatNumber } from './format.ts';

export interface Progress {
  update: (done: number, total: number) => void;
  stop: () => void;
}

export interface ProgressLineOptions {
  /** Where the lines go (default process.stderr). */
  write?: (line: string) => void;
  /** Seconds since some fixed point (default: the process clock); tests pass their own. */
  now?: () => number;
  /** Longest wait between two lines, in seconds (default 30). */
  everySeconds?: number;
  /** Check the wait this often, in milliseconds, even when no update comes (default 1000; 0: never). */
  heartbeatMs?: number;
}

/**
 * Time left from the rate measured since the first rollouts finished: start-up (workers, the first
 * organisations, the JIT) is not counted, and nothing is said until the rate has been measured over at
 * least a second of finished batches.
 */
export class TimeLeft {
  private first: { done: number; at: number } | undefined;
  private last = { done: 0, at: 0 };

  /** Rollouts finished at time `at` (seconds). */
  observe(done: number, at: number): void {
    if (done > 0 && !this.first) this.first = { done, at };
    this.last = { done, at };
  }

  /** Seconds left for `total` rollouts, or undefined while the rate is not measured yet (or all is done). */
  seconds(total: number): number | undefined {
    const { first, last } = this;
    if (!first || last.done >= total || last.done <= first.done || last.at - first.at < 1) return undefined;
    return ((total - last.done) * (last.at - first.at)) / (last.done - first.done);
  }
}

/** `progress: startup 120/1,000 rollouts (12%), 41 s so far, about 5 min 01 s left` */
export function progressLines(label: string, options: ProgressLineOptions = {}): Progress {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => performance.now() / 1000);
  const every = options.everySeconds ?? 30;
  const t0 = now();
  let lastLine = t0;
  let lastTenth = 0;
  let done = 0;
  let total = 0;
  let stopped = false;
  const meter = new TimeLeft();

  const line = (): void => {
    const seconds = now() - t0;
    const share = total > 0 ? done / total : 0;
    const remaining = meter.seconds(total);
    const left = remaining !== undefined ? `, about ${formatDuration(remaining)} left` : '';
    write(`progress: ${label} ${formatNumber(done)}/${formatNumber(total)} rollouts (${Math.floor(100 * share)}%), ${formatDuration(seconds)} so far${left}\n`);
    lastLine = now();
  };
  const check = (): void => {
    if (stopped || total <= 0) return;
    const tenth = Math.floor((10 * done) / total);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      line();
    } else if (now() - lastLine >= every) {
      line();
    }
  };
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const timer = heartbeatMs > 0 ? setInterval(check, heartbeatMs) : undefined;
  timer?.unref();

  return {
    update(d, t) {
      done = d;
      meter.observe(d, now());
      // The total may grow (uptake test adds rollouts while a claim stays inconclusive): tenths follow it.
      if (total > 0 && t !== total) lastTenth = Math.floor((10 * d) / t);
      total = t;
      check();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
