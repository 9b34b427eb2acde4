/**
 * Ids are replaced by pseudonyms as the file is read, so no employee number or e-mail address is kept past the
 * checks. A plain hash would not do: employee numbers are short (E00417), and anyone could hash every possible
 * one and read the table backwards. So the pseudonym is an HMAC-SHA256 keyed by a salt drawn from the file
 * itself: the hash of the sorted set of all its ids. Then
 * - the same file always gives the same pseudonyms (runs are reproducible, and the order of the rows does not
 *   matter);
 * - a collaboration-network file read together with the HR file is keyed by the same salt, so its ids link;
 * - reversing a pseudonym needs every id of the file, i.e. the HR file itself.
 * The price: a new export (one new hire) gives everyone new pseudonyms. A caller who needs pseudonyms that stay
 * the same across exports passes its own secret `salt`.
 */
import { createHash, createHmac } from 'node:crypto';

/** 16 hex digits (64 bits): a collision among 300,000 people has a chance of about 2 in a billion. */
const LENGTH = 16;

export function pseudonymiser(ids: Iterable<string>, salt?: string): (id: string) => string {
  const key =
    salt ??
    createHash('sha256')
      .update('uptake hr ids v1\n')
      .update([...new Set(ids)].sort().join('\n'))
      .digest('hex');
  return (id) => createHmac('sha256', key).update(id).digest('hex').slice(0, LENGTH);
}
