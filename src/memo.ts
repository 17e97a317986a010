/**
 * Loads each key once: a later ask for the same key shares the first one's
 * promise. What one connection or scan reads of an upstream list, so that
 * two parts of it needing the same page cost one request between them (the
 * loaders dedupe within an operation too, but a connection also counts what
 * it read, which only it can see).
 */
export class Memo<K, V> {
  readonly #loaded = new Map<K, Promise<V>>();

  constructor(private readonly load: (key: K) => Promise<V>) {}

  get(key: K): Promise<V> {
    let pending = this.#loaded.get(key);
    if (!pending) {
      pending = this.load(key);
      this.#loaded.set(key, pending);
    }
    return pending;
  }

  /** Holds `value` for `key` as if it had been loaded (read before the memo existed). */
  prime(key: K, value: V): void {
    this.#loaded.set(key, Promise.resolve(value));
  }

  has(key: K): boolean {
    return this.#loaded.has(key);
  }

  /** How many keys were loaded (or primed). */
  get size(): number {
    return this.#loaded.size;
  }
}
