import { Memo } from '../../memo.js';
import { AVAAMO_MAX_PER_PAGE } from './client.js';
import type { AvaamoList, PageAnswer, PagedSegment } from './lists.js';

/** The most entries one report (stats, clusters, a filter the upstream cannot apply) reads: MAX_REPORT_ENTRIES. */
export const DEFAULT_MAX_REPORT_ENTRIES = 10_000;

export interface ScanResult<Wire> {
  /** The range's entries, newest first, at most `maxEntries`. */
  entries: Wire[];
  /** false: the range holds more than `maxEntries`; `entries` are its newest. */
  complete: boolean;
  /** The pin the scan read under: the first answer's time_token (null when Avaamo sent none). */
  snapshot: number | null;
}

/** Windows whose first page is asked for ahead of the one being read, so a long range is not read one window at a time. */
const LOOKAHEAD = 3;

/**
 * Reads a whole list, window after window (newest first) and page after
 * page, stopping once `maxEntries` are read. Every page goes through the
 * loaders, so through the cache and the call budget like any other read;
 * past windows cost nothing while cached. Pinned like a traversal: the first
 * answer's time_token (or `snapshot`, a traversal's) bounds every later page
 * of the newest window, so the pages of one scan agree.
 */
export async function scanList<Wire>(
  list: AvaamoList<Wire>,
  options: { maxEntries: number; snapshot: number | null; onAnswer: (answer: PageAnswer<Wire>) => void },
): Promise<ScanResult<Wire>> {
  const { maxEntries, onAnswer } = options;
  let snapshot = options.snapshot;
  // Windows or not, a scan reads every entry of the range up to the pin, so its result is the same either way.
  const segments: PagedSegment<Wire>[] = list.splitsNow ? list.windows(snapshot) : [list];
  const firsts = new Memo((index: number) => segments[index]!.page(1, snapshot));
  const firstPage = (index: number) => firsts.get(index);
  const entries: Wire[] = [];
  for (let index = 0; index < segments.length; index += 1) {
    const first = await firstPage(index);
    onAnswer(first);
    if (snapshot === null && typeof first.value.time_token === 'number') snapshot = first.value.time_token;
    // Later windows' first pages go out while this one's other pages are read.
    for (let ahead = index + 1; ahead <= index + LOOKAHEAD && ahead < segments.length; ahead += 1) void firstPage(ahead).catch(() => {});
    const room = maxEntries - entries.length;
    const wanted = Math.min(first.value.total_entries, room);
    const pages: Promise<PageAnswer<Wire>>[] = [];
    for (let page = 2; (page - 1) * AVAAMO_MAX_PER_PAGE < wanted; page += 1) pages.push(segments[index]!.page(page, snapshot));
    const rest = await Promise.all(pages);
    rest.forEach(onAnswer);
    entries.push(...[first, ...rest].flatMap((answer) => answer.value.entries).slice(0, wanted));
    if (first.value.total_entries > room) return { entries, complete: false, snapshot };
    // Full exactly at a window's end: whatever windows remain were read by holdsMore, once.
    if (entries.length === maxEntries) return { entries, complete: !(await holdsMore(index + 1)), snapshot };
  }
  return { entries, complete: true, snapshot };

  /** Whether any window from `index` on holds an entry (read only when the cap is met exactly at a window's end). */
  async function holdsMore(index: number): Promise<boolean> {
    for (let next = index; next < segments.length; next += 1) {
      const first = await firstPage(next);
      onAnswer(first);
      if (first.value.total_entries > 0) return true;
    }
    return false;
  }
}
