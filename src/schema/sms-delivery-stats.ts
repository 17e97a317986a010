import { SMS_FAILURE_CAUSES, type SmsFailureReason as Reason } from '../upstreams/avaamo/sms-failures.js';
import type { SmsReportEntryWire, SmsStatusWire } from '../upstreams/avaamo/types.js';
import { Agent } from './agent.js';
import { builder } from './builder.js';
import { ASOF_DESCRIPTION, FreshnessTracker, STALE_DESCRIPTION, type Freshness } from './freshness.js';
import { REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS, readReport, reportRange } from './report.js';
import { SmsFailureReason, failureReasonOf, guidanceOf } from './sms-failure-reason.js';
import { rangeCost } from './range-cost.js';
import type { Context } from '../context.js';

interface ReasonCount {
  reason: Reason;
  count: number;
  retryable: boolean | null;
}

interface SmsDeliveryStatsShape {
  total: number;
  byStatus: Record<SmsStatusWire, number>;
  failuresByReason: ReasonCount[];
  complete: boolean;
  freshness: Freshness;
}

const REASON_ORDER: readonly Reason[] = [...SMS_FAILURE_CAUSES, 'UNCLASSIFIED'];

/** Counts per status and failure reason, most frequent reason first (ties in the docs' order). */
function tallySms(records: readonly Pick<SmsReportEntryWire, 'sms_status' | 'sms_status_response'>[]) {
  const byStatus: Record<SmsStatusWire, number> = { sent: 0, delivered: 0, failed: 0, undelivered: 0 };
  const reasons = new Map<Reason, number>();
  for (const record of records) {
    byStatus[record.sms_status] += 1;
    const reason = failureReasonOf(record);
    if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const failuresByReason = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count, retryable: guidanceOf(reason)?.retryable ?? null }))
    .sort((a, b) => b.count - a.count || REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason));
  return { byStatus, failuresByReason };
}

const SmsFailureReasonCount = builder.objectRef<ReasonCount>('SmsFailureReasonCount').implement({
  description: 'How many SMS of the range failed (or were not delivered) for one reason.',
  fields: (t) => ({
    reason: t.field({ type: SmsFailureReason, description: 'The reason.', resolve: (row) => row.reason }),
    count: t.exposeInt('count', { description: 'Failed and undelivered SMS with this reason.' }),
    retryable: t.exposeBoolean('retryable', {
      nullable: true,
      description: 'Whether sending them again later may succeed as they are (SmsRecord.retryable); null for UNCLASSIFIED.',
    }),
  }),
});

const SmsDeliveryStats = builder.objectRef<SmsDeliveryStatsShape>('SmsDeliveryStats').implement({
  description:
    "How an agent's SMS fared in a range: every record of the range, across its 7-day windows and all their pages, counted by status and failure reason.",
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'SMS records counted (all of the range when complete).' }),
    sent: t.int({ description: 'Accepted by the carrier, no delivery receipt yet (SENT).', resolve: (stats) => stats.byStatus.sent }),
    delivered: t.int({ description: 'Delivered to the handset (DELIVERED).', resolve: (stats) => stats.byStatus.delivered }),
    failed: t.int({ description: 'Refused by the carrier (FAILED).', resolve: (stats) => stats.byStatus.failed }),
    undelivered: t.int({ description: 'Accepted but not delivered (UNDELIVERED).', resolve: (stats) => stats.byStatus.undelivered }),
    deliveryRate: t.float({
      nullable: true,
      description:
        'delivered / (delivered + failed + undelivered): the share delivered of the SMS whose outcome is final, 0..1. SENT ones are still on their way and not counted. Null when no SMS of the range has a final status.',
      resolve: ({ byStatus }) => {
        const final = byStatus.delivered + byStatus.failed + byStatus.undelivered;
        return final === 0 ? null : byStatus.delivered / final;
      },
    }),
    failuresByReason: t.field({
      type: [SmsFailureReasonCount],
      description: 'Failed and undelivered SMS by reason, most frequent first (ties in the order of the SMS Reporting docs).',
      resolve: (stats) => stats.failuresByReason,
    }),
    complete: t.exposeBoolean('complete', {
      description:
        'false when the range holds more records than the gateway reads for one report (MAX_REPORT_ENTRIES, default 10,000): the counts then cover its newest records.',
    }),
    asOf: t.field({ type: 'DateTime', description: ASOF_DESCRIPTION, resolve: (stats) => stats.freshness.asOf() }),
    stale: t.boolean({ description: STALE_DESCRIPTION, resolve: (stats) => stats.freshness.stale() }),
  }),
});

builder.objectField(Agent, 'smsDeliveryStats', (t) =>
  t.field({
    complexity: rangeCost.smsDeliveryStats,
    type: SmsDeliveryStats,
    nullable: true,
    description: `Delivery of this agent's SMS in a range: from and to inclusive; without \`from\`, the ${REPORT_DEFAULT_DAYS} days before \`to\` (default now), from the start of that hour; at most ${REPORT_MAX_DAYS} days. Reads every SMS record of the range (one request per 100 records of each 7-day window; past windows come from the cache for an hour), at most MAX_REPORT_ENTRIES.`,
    args: {
      from: t.arg({ type: 'DateTime', description: 'Start of the range (inclusive).' }),
      to: t.arg({ type: 'DateTime', description: 'End of the range (inclusive); default now.' }),
    },
    resolve: (agent, args, context) => smsDeliveryStatsOf(agent.agentId, args, context),
  }),
);

/** Reads every SMS record of the range (at most MAX_REPORT_ENTRIES) and tallies them. */
async function smsDeliveryStatsOf(agentId: number, args: { from?: Date | null; to?: Date | null }, context: Context): Promise<SmsDeliveryStatsShape> {
  const range = reportRange(args);
  const freshness = new FreshnessTracker();
  const scan = await readReport(context.loaders.avaamo.lists.smsReport({ agentId, ...range }), {
    maxEntries: context.paging.maxReportEntries,
    snapshot: null,
    freshness,
  });
  return { total: scan.entries.length, ...tallySms(scan.entries), complete: scan.complete, freshness };
}
