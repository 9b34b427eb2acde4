/**
 * Typed arrays lent to one rollout and given back when it is done, for the
 * next rollout of the same size. A worker runs thousands of rollouts of the
 * same organisation size one after the other: reusing their state arrays
 * spares the allocator hundreds of megabytes a second of allocating, zeroing
 * and freeing, which in a process of several worker threads slows every
 * thread (returning memory to the system interrupts them all).
 */
type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array | Int8Array;
type TypedArrayKind<T extends TypedArray> = new (length: number) => T;

export class BufferPool {
  private readonly spare = new Map<TypedArrayKind<TypedArray>, Map<number, TypedArray[]>>();
  private readonly lent = new WeakSet<TypedArray>();

  /** A zeroed array of `kind` and `length`, reused when one was given back. */
  take<T extends TypedArray>(kind: TypedArrayKind<T>, length: number): T {
    const reused = this.spare.get(kind)?.get(length)?.pop() as T | undefined;
    const view = reused ?? new kind(length);
    if (reused) view.fill(0);
    this.lent.add(view);
    return view;
  }

  /** Gives back an array this pool lent (anything else is ignored); the giver must not use it again. */
  give(view: ArrayBufferView): void {
    const array = view as TypedArray;
    if (!this.lent.has(array)) return;
    this.lent.delete(array);
    const kind = array.constructor as TypedArrayKind<TypedArray>;
    let byLength = this.spare.get(kind);
    if (!byLength) this.spare.set(kind, (byLength = new Map()));
    let list = byLength.get(array.length);
    if (!list) byLength.set(array.length, (list = []));
    list.push(array);
  }
}
