/** How a response came about, in `extensions.upstream.responseCache`. */
export type ResponseCacheOutcome = 'hit' | 'miss' | 'shared';

/** What a hit or a joined operation cost upstream: nothing (the counts are those of `extensions.upstream`). */
export const nothingSent = (responseCache: ResponseCacheOutcome) => ({
  requests: 0,
  cacheHits: 0,
  staleHits: 0,
  coalesced: 0,
  byRoute: {},
  responseCache,
});
export const NOTHING_SENT = { hit: JSON.stringify(nothingSent('hit')), shared: JSON.stringify(nothingSent('shared')) };

/** A stored text (`{"data":…}`) with `extensions.upstream` (already JSON) added, when there is one to add. */
export const withUpstream = (text: string, upstream: string | undefined): string =>
  upstream === undefined ? text : `${text.slice(0, -1)},"extensions":{"upstream":${upstream}}}`;

/** What a hit sends: the stored text, with its own counts (nothing sent) when the caller asked for them. */
export const hitText = (text: string, withStats: boolean): string => withUpstream(text, withStats ? NOTHING_SENT.hit : undefined);
