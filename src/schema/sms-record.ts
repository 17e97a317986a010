import type { SmsReportEntryWire } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { Agent } from './agent.js';
import { agentEntryConnection, formatEntryKey, pinnedConnectionDescription, refetchEntry, type AgentEntry } from './avaamo-entries.js';
import { builder } from './builder.js';
import { checkRange } from './time-range.js';
import { smsRecordsByReason } from './sms-records-by-reason.js';
import { SmsFailureReason, failureReasonOf, guidanceOf } from './sms-failure-reason.js';
import { DEFAULT_MAX_REPORT_ENTRIES } from '../upstreams/avaamo/list-scan.js';
import { rangeCost } from './range-cost.js';

export const SmsStatus = builder.enumType('SmsStatus', {
  description: 'Delivery state of an SMS as the carrier reported it.',
  values: {
    SENT: { value: 'sent', description: 'The carrier accepted it.' },
    FAILED: { value: 'failed', description: 'The carrier refused it; see statusResponse.' },
    DELIVERED: { value: 'delivered', description: 'It reached the handset.' },
    UNDELIVERED: { value: 'undelivered', description: 'Accepted by the carrier but not delivered.' },
  } as const,
});

/** Best effort: "+1(123) 456-7890" → "+11234567890"; null when there is no country code to trust. */
export function toE164(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  return phone.trim().startsWith('+') && digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
}

export const SmsRecord = builder.node(builder.objectRef<AgentEntry<SmsReportEntryWire>>('SmsRecord'), {
  description: 'An SMS sent through an agent\'s SMS gateway (Avaamo SMS reporting).',
  id: {
    resolve: ({ agentId, wire }) => formatEntryKey({ agentId, uuid: wire.uuid, createdAt: wire.created_at }),
  },
  loadOne: (id, context) =>
    refetchEntry(
      id,
      'SmsRecord',
      context.agentIds,
      (agentId, window) => context.loaders.avaamo.smsReportPage.load({ agentId, ...window }),
      (wire) => wire.uuid,
    ),
  fields: (t) => ({
    uuid: t.string({ description: "Avaamo's SMS record uuid.", resolve: ({ wire }) => wire.uuid }),
    fromPhone: t.string({ description: 'As Avaamo sent it.', resolve: ({ wire }) => wire.from_phone }),
    toPhone: t.string({ description: 'As Avaamo sent it; formatting is not normalised.', resolve: ({ wire }) => wire.to_phone }),
    toPhoneE164: t.string({
      nullable: true,
      description: 'toPhone in E.164 (+ and digits) when it carries a country code.',
      resolve: ({ wire }) => toE164(wire.to_phone),
    }),
    message: t.string({ description: 'The text sent.', resolve: ({ wire }) => wire.message }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the carrier received the request.',
      resolve: ({ wire }) => fromEpochSeconds(wire.created_at),
    }),
    status: t.field({ type: SmsStatus, description: 'Delivery state, as the carrier last reported it.', resolve: ({ wire }) => wire.sms_status }),
    statusResponse: t.string({
      nullable: true,
      description: 'Carrier\'s explanation when the SMS failed.',
      resolve: ({ wire }) => wire.sms_status_response ?? null,
    }),
    failureReason: t.field({
      type: SmsFailureReason,
      nullable: true,
      description: 'Why it failed, read from statusResponse: null unless the status is FAILED or UNDELIVERED.',
      resolve: ({ wire }) => failureReasonOf(wire),
    }),
    failureAdvice: t.string({
      nullable: true,
      description: "What to do about the failure (the SMS Reporting docs' recommended solution); null when there is no failure or its reason is UNCLASSIFIED.",
      resolve: ({ wire }) => guidanceOf(failureReasonOf(wire))?.advice ?? null,
    }),
    retryable: t.boolean({
      nullable: true,
      description:
        'Whether sending it again later may succeed as it is: true for transient causes (the rate limit, a full queue, a queue overflow, an unreachable handset, congestion); null when there is no failure or its reason is UNCLASSIFIED.',
      resolve: ({ wire }) => guidanceOf(failureReasonOf(wire))?.retryable ?? null,
    }),
  }),
});

builder.objectField(Agent, 'smsRecords', (t) =>
  t.connection(
    {
      complexity: rangeCost.smsRecords,
      type: SmsRecord,
      nullable: true,
      description:
        'SMS sent through this agent\'s SMS gateway, newest first. `from` and `to` are both inclusive; `to` alone reads the 30 days before it (Avaamo alone would return only the latest 3), neither reads them all. A range over 7 days is read in windows of at most 7 days (Avaamo\'s recommendation; see SmsRecordConnection). `failureReason` is applied by the gateway, which Avaamo cannot do: see the argument.',
      args: {
        from: t.arg({ type: 'DateTime', description: 'Start of the range (inclusive).' }),
        to: t.arg({ type: 'DateTime', description: 'End of the range (inclusive); default now.' }),
        fromPhone: t.arg.string({ description: 'Only SMS sent from this number.' }),
        toPhone: t.arg.string({ description: 'Only SMS sent to this number, e.g. +15551234567.' }),
        status: t.arg({ type: SmsStatus, description: 'Only SMS in this state.' }),
        failureReason: t.arg({
          type: SmsFailureReason,
          description: `Only failed or undelivered SMS with this reason. Avaamo cannot filter on it, so the gateway reads every record of the range (Avaamo filtering on \`status\` where given), up to MAX_REPORT_ENTRIES (default ${DEFAULT_MAX_REPORT_ENTRIES.toLocaleString('en-US')}; a range holding more is BAD_USER_INPUT with reason REPORT_TOO_LARGE, before further pages are read), and pages through the matches: totalCount is the number of matches, exact; each page reads the range again (from the cache while it is fresh), pinned to the first page's snapshot like any traversal. With \`status\` SENT or DELIVERED nothing matches and nothing is read.`,
        }),
      },
      resolve: (agent, args, context) => {
        const filters = {
          from: args.from ?? undefined,
          to: args.to ?? undefined,
          fromPhone: args.fromPhone ?? undefined,
          toPhone: args.toPhone ?? undefined,
          status: args.status ?? undefined,
        };
        checkRange(filters.from, filters.to, 'from', 'to');
        if (args.failureReason) return smsRecordsByReason(agent.agentId, filters, args.failureReason, args, context);
        return agentEntryConnection({
          list: 'smsRecords',
          agentId: agent.agentId,
          filters,
          args,
          cursors: context.paging.cursors,
          span: { from: filters.from, to: filters.to, names: ['from', 'to'] },
          source: context.loaders.avaamo.lists.smsReport({ agentId: agent.agentId, ...filters }),
        });
      },
    },
    { name: 'SmsRecordConnection', description: pinnedConnectionDescription('SMS records') },
    { name: 'SmsRecordEdge' },
  ),
);
