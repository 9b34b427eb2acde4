/**
 * The one way uptake fingerprints a value (an experiment, a cache entry):
 * sha256 of its canonical JSON, so equal content gives an equal hash whatever
 * the order of its keys.
 */
import { createHash } from 'node:crypto';

/**
 * A typed array as JSON shows it: its type, length and the SHA-256 of its bytes. A client's network (millions of
 * ties, params.organisation.ties) is then a few lines of experiment.json, and the experiment's hash still depends
 * on every byte; the hash of an experiment read back from its JSON is the hash of the experiment itself.
 */
export function typedArrayJson(array: ArrayBufferView): { typed_array: string; length: number; sha256: string } {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const length = 'length' in array ? (array as unknown as { length: number }).length : array.byteLength;
  return { typed_array: array.constructor.name, length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** JSON.stringify's replacer for typedArrayJson. */
export function typedArraysAsDigests(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) ? typedArrayJson(value) : value;
}

/** Canonical JSON: keys sorted at every level, so equal experiments give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (ArrayBuffer.isView(value)) return canonicalJson(typedArrayJson(value));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
