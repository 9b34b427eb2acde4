/** Choosing people: members of labelled groups, the most innovative. Pure functions over typed arrays. */
import type { Organisation } from './organisation.ts';
import type { GroupTarget } from './plan.ts';
import { indices } from './rng.ts';

/** Employees of the named groups (departments, locations or levels), in index order; none for a grouping the organisation lacks. */
export function groupMembers(org: Pick<Organisation, 'department' | 'departments' | 'location' | 'level'>, target: GroupTarget): Int32Array {
  const [label, groups] = target.kind === 'departments' ? [org.department, target.departments] : target.kind === 'locations' ? [org.location, target.locations] : [org.level, target.levels];
  if (!label) return new Int32Array(0);
  const wanted = new Uint8Array(Math.max(org.departments, ...groups) + 1);
  for (const g of groups) if (g >= 0) wanted[g] = 1;
  return membersWhere(label, wanted);
}

/** Employees i (in index order) whose label[i] is wanted (wanted[label] = 1; negative labels never are). */
export function membersWhere(label: ArrayLike<number>, wanted: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < label.length; i++) if (wanted[label[i]!] === 1) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < label.length; i++) if (wanted[label[i]!] === 1) out[k++] = i;
  return out;
}

/**
 * The k most innovative employees, in index order; ties at the cut go to the lower indices (as sorting by
 * innovativeness, then index). A native numeric sort finds the cut, with no comparator called per pair.
 */
export function mostInnovative(innovativeness: Float32Array, k: number): Int32Array {
  const n = innovativeness.length;
  const m = Math.min(k, n);
  if (m <= 0) return new Int32Array(0);
  const cut = Float32Array.from(innovativeness).sort()[n - m]!;
  let above = 0;
  for (let i = 0; i < n; i++) if (innovativeness[i]! > cut) above++;
  let atCut = m - above;
  const out = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    const x = innovativeness[i]!;
    if (x > cut || (x === cut && atCut-- > 0)) out[j++] = i;
  }
  return out;
}
