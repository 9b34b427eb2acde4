/**
 * Announcement and showcase pushes: raised on people, fading together by one common scale.
 */
import * as shared from './state.ts';
import { Transitions } from './transitions.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { G_UNAWARE_ASLEEP } = shared;

/** Announcement and showcase pushes: raised on people, fading together by one common scale. */
export abstract class Pushes extends Transitions {
  /** Raises employee i's announcement push to at least `strength` (this week's value). */
  protected raisePush(i: number, strength: number): void {
    if (this.raiseFading(this.pushBase, i, strength)) {
      this.quietUntil[i] = 0;
      if (this.groupOf[i] === G_UNAWARE_ASLEEP) this.wake(i);
    }
  }

  protected raiseShowcase(i: number, value: number): void {
    this.raiseFading(this.showcaseBase, i, value);
  }

  /** Raises a fading value (pushBase or showcaseBase, stored over pushScale) to at least `value`; true if it rose. */
  protected raiseFading(bases: Float64Array, i: number, value: number): boolean {
    if (bases[i]! * this.pushScale >= value) return false;
    const base = value / this.pushScale;
    bases[i] = base;
    if (base > this.pushPeak) this.pushPeak = base;
    this.pushLive = true;
    return true;
  }

  /** This week's pushes were used: they fade, and are dropped once the strongest is below 1e-4. */
  protected fadePushes(): void {
    if (!this.pushLive) return;
    this.pushScale *= this.params.adoption.announcementDecay;
    if (this.pushPeak * this.pushScale <= 1e-4) {
      this.pushBase.fill(0);
      this.showcaseBase.fill(0);
      this.pushLive = false;
      this.pushScale = 1;
      this.pushPeak = 0;
    } else if (this.pushScale < 1e-150) {
      // Pushes renewed week after week keep them alive for long: fold the scale into the stored values
      // before it underflows (a fast decay passes 1e-308 within a few hundred weeks).
      const scale = this.pushScale;
      for (const bases of [this.pushBase, this.showcaseBase]) for (let i = 0; i < bases.length; i++) bases[i]! *= scale;
      this.pushPeak *= scale;
      this.pushScale = 1;
    }
  }
}
