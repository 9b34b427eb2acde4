/**
 * Decision groups and the sleep/wake scheduler: employees kept in groups by state and access, walked one group at a time, and put to sleep while their outcome is known.
 */
import { SimulationState } from './state.ts';
import * as shared from './state.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ASLEEP, BITMAP_OF, GROUP_COUNT, GROUP_OF, RESORT_MOVES } = shared;

/** Decision groups and the sleep/wake scheduler: employees kept in groups by state and access, walked one group at a time, and put to sleep while their outcome is known. */
export abstract class DecisionGroups extends SimulationState {
  /** The members of decision group g, in walking order (a copy; for tests and inspection). */
  groupMembersOf(g: number): Int32Array {
    const n = this.org.employees;
    return this.groupMembers.slice(g * n, g * n + this.groupSize[g]!);
  }

  /** Puts every decision group back in index order. */
  protected sortGroups(): void {
    const n = this.org.employees;
    const { groupMembers, groupSize, groupOf, groupPos } = this;
    groupSize.fill(0);
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]! & ~ASLEEP;
      const pos = groupSize[g]!++;
      groupMembers[g * n + pos] = i;
      groupPos[i] = pos;
    }
    // The bitmaps, a word at a time (members are now in index order, so groupOf is read in order too).
    const awake = this.awake;
    const words = this.bitmapWords;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const bitmap = BITMAP_OF[g]!;
      if (bitmap < 0) continue;
      const size = groupSize[g]!;
      for (let word = 0; word < words; word++) {
        let bits = 0;
        for (let pos = word << 5, end = Math.min(size, pos + 32); pos < end; pos++) {
          if (groupOf[groupMembers[g * n + pos]!] === g) bits |= 1 << (pos & 31);
        }
        awake[bitmap * words + word] = bits;
      }
    }
    this.groupMoves = 0;
  }

  /** Moves employee i to the decision group of its current state and access. */
  protected regroup(i: number): void {
    const to = GROUP_OF[this.state[i]! * 3 + this.access[i]!]!;
    const group = this.groupOf[i]!;
    const from = group & ~ASLEEP;
    if (to === from) return;
    if (group !== from) this.wake(i);
    const n = this.org.employees;
    const { groupMembers, groupSize, groupPos } = this;
    // Swap-remove from the old group, append to the new one (awake); bitmaps follow the positions.
    const lastPos = --groupSize[from]!;
    const last = groupMembers[from * n + lastPos]!;
    const pos = groupPos[i]!;
    groupMembers[from * n + pos] = last;
    groupPos[last] = pos;
    const at = groupSize[to]!++;
    groupMembers[to * n + at] = i;
    groupPos[i] = at;
    if (BITMAP_OF[from]! >= 0 || BITMAP_OF[to]! >= 0) this.moveAwakeBits(from, pos, lastPos, to, at);
    this.groupOf[i] = to;
    this.groupMoves++;
    // A new group, a new waiting time.
    this.survival[i] = 1 / (1 - this.rng.next());
  }

  /** Bitmaps after a move: the member at lastPos of group `from` took position pos; position `at` of `to` is awake. */
  protected moveAwakeBits(from: number, pos: number, lastPos: number, to: number, at: number): void {
    const awake = this.awake;
    const words = this.bitmapWords;
    const fromBitmap = BITMAP_OF[from]!;
    if (fromBitmap >= 0) {
      const base = fromBitmap * words;
      if ((awake[base + (lastPos >> 5)]! >>> (lastPos & 31)) & 1) awake[base + (pos >> 5)]! |= 1 << (pos & 31);
      else awake[base + (pos >> 5)]! &= ~(1 << (pos & 31));
      awake[base + (lastPos >> 5)]! &= ~(1 << (lastPos & 31));
    }
    const toBitmap = BITMAP_OF[to]!;
    if (toBitmap >= 0) awake[toBitmap * words + (at >> 5)]! |= 1 << (at & 31);
  }

  /** Leaves employee i (at position pos of bitmap's group) out of the walk until week `until` or an event wakes them. */
  protected sleep(i: number, bitmap: number, pos: number, until: number): void {
    this.awake[bitmap * this.bitmapWords + (pos >> 5)]! &= ~(1 << (pos & 31));
    this.groupOf[i]! |= ASLEEP;
    this.wakeWeek[i] = until;
    this.asleep[bitmap]! += 1;
    if (until > this.weeks) return; // only an event wakes them
    const head = this.wakeHead[until]!;
    this.wakeNext[i] = head;
    this.wakePrev[i] = -1;
    if (head >= 0) this.wakePrev[head] = i;
    this.wakeHead[until] = i;
  }

  /** Puts an asleep employee back into the walk of their group. */
  protected wake(i: number): void {
    const until = this.wakeWeek[i]!;
    this.wakeWeek[i] = 0;
    if (until <= this.weeks) {
      const next = this.wakeNext[i]!;
      const prev = this.wakePrev[i]!;
      if (prev >= 0) this.wakeNext[prev] = next;
      else this.wakeHead[until] = next;
      if (next >= 0) this.wakePrev[next] = prev;
    }
    const group = this.groupOf[i]! & ~ASLEEP;
    this.groupOf[i] = group;
    const bitmap = BITMAP_OF[group]!;
    const pos = this.groupPos[i]!;
    this.awake[bitmap * this.bitmapWords + (pos >> 5)]! |= 1 << (pos & 31);
    this.asleep[bitmap]! -= 1;
  }

  /**
   * Everyone's move this week, from the state at the start of the week: the hot loop, one group at a
   * time (one hot loop per method, so each is optimised with the type feedback of its own loop). The
   * state branch of a mixed-state loop is mispredicted for most employees and was its largest cost.
   */
  /** The scheduler's chores before the decisions: groups back in index order, this week's sleepers woken. */
  protected wakeSleepers(): void {
    // Moves scatter a group's order; index order keeps memory access sequential, which matters once the
    // arrays outgrow the caches (a small organisation is re-sorted rarely).
    const n = this.org.employees;
    if (this.groupMoves > Math.max(n >> 6, RESORT_MOVES)) this.sortGroups();
    if (this.week <= this.weeks) {
      for (let i = this.wakeHead[this.week]!; i >= 0; ) {
        const next = this.wakeNext[i]!;
        this.wake(i);
        i = next;
      }
    }
  }

  /** Skipping checks whose outcome is known (quietUntil, valueSafeUntil): never in a fully mixed network, where anyone's change moves everyone's hazard. */
  protected get skipping(): boolean {
    return !this.org.network.complete && !this.checkEveryWeek;
  }
}
