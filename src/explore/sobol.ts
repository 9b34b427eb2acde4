/**
 * Sobol' low-discrepancy sequence in base 2 with the Joe–Kuo direction
 * numbers (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo, "Constructing Sobol
 * sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30,
 * 2008). Points are generated in Gray-code order (Antonov–Saleev), so point
 * i + 1 is point i with one direction number XORed in, as Joe and Kuo's own
 * sobol.cc and scipy.stats.qmc.Sobol(scramble=False) do.
 *
 * The first point (index 0) is the origin and is NOT skipped here: `skip`
 * says how many points to drop. Callers that feed points to inverse CDFs must
 * skip it (the Saltelli design skips N points, so it starts at a whole block
 * of the sequence that contains no coordinate equal to 0).
 */

/** Coordinates carry 32 bits: at most 2^32 points. */
const BITS = 32;

/**
 * Parameters of dimensions 2..64 of new-joe-kuo-6.21201, as [s, a, m_1..m_s]:
 * s the degree of the primitive polynomial, a its interior coefficients as
 * bits, m_i the initial direction numbers. Dimension 1 (van der Corput) has
 * no row: all its m_i are 1.
 */
const JOE_KUO: readonly (readonly [number, number, readonly number[]])[] = [
  [1, 0, [1]], // d = 2
  [2, 1, [1, 3]], // d = 3
  [3, 1, [1, 3, 1]], // d = 4
  [3, 2, [1, 1, 1]], // d = 5
  [4, 1, [1, 1, 3, 3]], // d = 6
  [4, 4, [1, 3, 5, 13]], // d = 7
  [5, 2, [1, 1, 5, 5, 17]], // d = 8
  [5, 4, [1, 1, 5, 5, 5]], // d = 9
  [5, 7, [1, 1, 7, 11, 19]], // d = 10
  [5, 11, [1, 1, 5, 1, 1]], // d = 11
  [5, 13, [1, 1, 1, 3, 11]], // d = 12
  [5, 14, [1, 3, 5, 5, 31]], // d = 13
  [6, 1, [1, 3, 3, 9, 7, 49]], // d = 14
  [6, 13, [1, 1, 1, 15, 21, 21]], // d = 15
  [6, 16, [1, 3, 1, 13, 27, 49]], // d = 16
  [6, 19, [1, 1, 1, 15, 7, 5]], // d = 17
  [6, 22, [1, 3, 1, 15, 13, 25]], // d = 18
  [6, 25, [1, 1, 5, 5, 19, 61]], // d = 19
  [7, 1, [1, 3, 7, 11, 23, 15, 103]], // d = 20
  [7, 4, [1, 3, 7, 13, 13, 15, 69]], // d = 21
  [7, 7, [1, 1, 3, 13, 7, 35, 63]], // d = 22
  [7, 8, [1, 3, 5, 9, 1, 25, 53]], // d = 23
  [7, 14, [1, 3, 1, 13, 9, 35, 107]], // d = 24
  [7, 19, [1, 3, 1, 5, 27, 61, 31]], // d = 25
  [7, 21, [1, 1, 5, 11, 19, 41, 61]], // d = 26
  [7, 28, [1, 3, 5, 3, 3, 13, 69]], // d = 27
  [7, 31, [1, 1, 7, 13, 1, 19, 1]], // d = 28
  [7, 32, [1, 3, 7, 5, 13, 19, 59]], // d = 29
  [7, 37, [1, 1, 3, 9, 25, 29, 41]], // d = 30
  [7, 41, [1, 3, 5, 13, 23, 1, 55]], // d = 31
  [7, 42, [1, 3, 7, 3, 13, 59, 17]], // d = 32
  [7, 50, [1, 3, 1, 3, 5, 53, 69]], // d = 33
  [7, 55, [1, 1, 5, 5, 23, 33, 13]], // d = 34
  [7, 56, [1, 1, 7, 7, 1, 61, 123]], // d = 35
  [7, 59, [1, 1, 7, 9, 13, 61, 49]], // d = 36
  [7, 62, [1, 3, 3, 5, 3, 55, 33]], // d = 37
  [8, 14, [1, 3, 1, 15, 31, 13, 49, 245]], // d = 38
  [8, 21, [1, 3, 5, 15, 31, 59, 63, 97]], // d = 39
  [8, 22, [1, 3, 1, 11, 11, 11, 77, 249]], // d = 40
  [8, 38, [1, 3, 1, 11, 27, 43, 71, 9]], // d = 41
  [8, 47, [1, 1, 7, 15, 21, 11, 81, 45]], // d = 42
  [8, 49, [1, 3, 7, 3, 25, 31, 65, 79]], // d = 43
  [8, 50, [1, 3, 1, 1, 19, 11, 3, 205]], // d = 44
  [8, 52, [1, 1, 5, 9, 19, 21, 29, 157]], // d = 45
  [8, 56, [1, 3, 7, 11, 1, 33, 89, 185]], // d = 46
  [8, 67, [1, 3, 3, 3, 15, 9, 79, 71]], // d = 47
  [8, 70, [1, 3, 7, 11, 15, 39, 119, 27]], // d = 48
  [8, 84, [1, 1, 3, 1, 11, 31, 97, 225]], // d = 49
  [8, 97, [1, 1, 1, 3, 23, 43, 57, 177]], // d = 50
  [8, 103, [1, 3, 7, 7, 17, 17, 37, 71]], // d = 51
  [8, 115, [1, 3, 1, 5, 27, 63, 123, 213]], // d = 52
  [8, 122, [1, 1, 3, 5, 11, 43, 53, 133]], // d = 53
  [9, 8, [1, 3, 5, 5, 29, 17, 47, 173, 479]], // d = 54
  [9, 13, [1, 3, 3, 11, 3, 1, 109, 9, 69]], // d = 55
  [9, 16, [1, 1, 1, 5, 17, 39, 23, 5, 343]], // d = 56
  [9, 22, [1, 3, 1, 5, 25, 15, 31, 103, 499]], // d = 57
  [9, 25, [1, 1, 1, 11, 11, 17, 63, 105, 183]], // d = 58
  [9, 44, [1, 1, 5, 11, 9, 29, 97, 231, 363]], // d = 59
  [9, 47, [1, 1, 5, 15, 19, 45, 41, 7, 383]], // d = 60
  [9, 52, [1, 3, 7, 7, 31, 19, 83, 137, 221]], // d = 61
  [9, 55, [1, 1, 1, 3, 23, 15, 111, 223, 83]], // d = 62
  [9, 59, [1, 1, 5, 13, 31, 15, 55, 25, 161]], // d = 63
  [9, 62, [1, 1, 3, 13, 25, 47, 39, 87, 257]], // d = 64
];

/** The largest dimension the embedded table supports. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

/** Direction numbers V_1..V_32 of one dimension (1-based), scaled by 2^32. */
export function directionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
    throw new RangeError(`Sobol' dimension ${dimension} is outside 1..${SOBOL_MAX_DIMENSION}`);
  }
  const v = new Uint32Array(BITS);
  if (dimension === 1) {
    for (let i = 0; i < BITS; i++) v[i] = 2 ** (BITS - 1 - i);
    return v;
  }
  const [s, a, m] = JOE_KUO[dimension - 2]!;
  for (let i = 0; i < s; i++) v[i] = m[i]! * 2 ** (BITS - 1 - i);
  for (let i = s; i < BITS; i++) {
    let x = v[i - s]! ^ (v[i - s]! >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[i - k]!;
    v[i] = x >>> 0;
  }
  return v;
}

/** A Sobol' sequence in `dimensions` dimensions, one point at a time. */
export class Sobol {
  readonly dimensions: number;
  private readonly v: Uint32Array;
  private readonly x: Uint32Array;
  /** Index of the next point. */
  private index = 0;

  constructor(dimensions: number, skip = 0) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSION) {
      throw new RangeError(`Sobol' dimensions must be an integer in 1..${SOBOL_MAX_DIMENSION}, got ${dimensions}`);
    }
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be a whole number, got ${skip}`);
    this.dimensions = dimensions;
    this.v = new Uint32Array(dimensions * BITS);
    for (let d = 0; d < dimensions; d++) this.v.set(directionNumbers(d + 1), d * BITS);
    this.x = new Uint32Array(dimensions);
    for (let i = 0; i < skip; i++) this.step();
  }

  /** Writes the next point into `out` (length ≥ dimensions), at `offset`. */
  next(out: Float64Array, offset = 0): void {
    const d = this.dimensions;
    for (let j = 0; j < d; j++) out[offset + j] = this.x[j]! * 2.3283064365386963e-10;
    this.step();
  }

  /** Moves from point `index` to point `index + 1` (Gray code: XOR the direction number of the lowest zero bit of index). */
  private step(): void {
    let c = 0;
    let i = this.index;
    while (i & 1) {
      i = Math.floor(i / 2);
      c++;
    }
    if (c >= BITS) throw new RangeError('a Sobol\' sequence of 32 bits has at most 2^32 points');
    const d = this.dimensions;
    const v = this.v;
    const x = this.x;
    for (let j = 0; j < d; j++) x[j] = (x[j]! ^ v[j * BITS + c]!) >>> 0;
    this.index++;
  }
}

/** n points of a Sobol' sequence, row-major (n × dimensions), after skipping `skip` points. */
export function sobolPoints(n: number, dimensions: number, skip = 0): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the number of points must be a whole number, got ${n}`);
  const seq = new Sobol(dimensions, skip);
  const out = new Float64Array(n * dimensions);
  for (let i = 0; i < n; i++) seq.next(out, i * dimensions);
  return out;
}
