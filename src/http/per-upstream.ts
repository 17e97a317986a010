import type { UpstreamName } from './errors.js';

/** One `T` per upstream, made on first use and kept for the client's life. */
export function perUpstream<T>(make: (upstream: UpstreamName) => T): (upstream: UpstreamName) => T {
  const made = new Map<UpstreamName, T>();
  return (upstream) => {
    let value = made.get(upstream);
    if (value === undefined) {
      value = make(upstream);
      made.set(upstream, value);
    }
    return value;
  };
}
