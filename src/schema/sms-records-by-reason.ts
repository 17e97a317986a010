import type { Context } from '../context.js';
import type { SmsReportRequest } from '../upstreams/avaamo/client.js';
import type { SmsFailureReason } from '../upstreams/avaamo/sms-failures.js';
import type { SmsReportEntryWire } from '../upstreams/avaamo/types.js';
import type { AgentEntry, TrackedConnection } from './avaamo-entries.js';
import { FreshnessTracker } from './freshness.js';
import { arrayConnection, parsePagingArgs, snapshotOf, type ConnectionArgs } from './pagination.js';
import { readReport, reportPin, tooManyEntries } from './report.js';
import { failureReasonOf } from './sms-failure-reason.js';
import { checkListSpan, pinnedNow } from './time-range.js';

type SmsFilters = Omit<SmsReportRequest, 'agentId' | 'page' | 'perPage' | 'snapshot' | 'before' | 'past'>;

/**
 * SMS records with one failure reason. Avaamo filters on status but not on
 * the reason, which the gateway reads out of the carrier's text: so the
 * whole range is read (within MAX_REPORT_ENTRIES, and through the cache and
 * budget like any read), filtered, and paged as a list the gateway holds,
 * pinned to the snapshot of its first read so later pages see the same list.
 */
export async function smsRecordsByReason(
  agentId: number,
  filters: SmsFilters,
  reason: SmsFailureReason,
  args: ConnectionArgs,
  context: Context,
): Promise<TrackedConnection<AgentEntry<SmsReportEntryWire>>> {
  const cursors = context.paging.cursors.list('smsRecords', { agentId, ...filters, failureReason: reason });
  const paging = parsePagingArgs(args, cursors);
  const snapshot = snapshotOf(paging);
  checkListSpan(filters.from, filters.to, 'from', 'to', pinnedNow(snapshot));
  const freshness = new FreshnessTracker();
  // Only failed and undelivered SMS have a reason.
  if (filters.status === 'sent' || filters.status === 'delivered') return Object.assign(arrayConnection(paging, cursors, []), { freshness });
  const maxEntries = context.paging.maxReportEntries;
  const list = context.loaders.avaamo.lists.smsReport({ agentId, ...filters });
  const scan = await readReport(list, { maxEntries, snapshot, freshness });
  if (!scan.complete) throw tooManyEntries('`failureReason`', maxEntries);
  const matches = scan.entries.filter((wire) => failureReasonOf(wire) === reason).map((wire) => ({ agentId, wire }));
  return Object.assign(arrayConnection(paging, cursors, matches, reportPin(scan.snapshot)), { freshness });
}
