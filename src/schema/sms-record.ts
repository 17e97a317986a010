import type { SmsReportEntryWire } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { Agent } from './agent.js';
import { agentEntryConnection, formatEntryKey, pinnedConnectionDescription, refetchEntry, type AgentEntry } from './avaamo-entries.js';
import { builder } from './builder.js';
import { checkRange } from './time-range.js';

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
  }),
});

builder.objectField(Agent, 'smsRecords', (t) =>
  t.connection(
    {
      type: SmsRecord,
      nullable: true,
      description:
        'SMS sent through this agent\'s SMS gateway, newest first. `to` alone reads the 30 days before it (Avaamo alone would return only the latest 3).',
      args: {
        from: t.arg({ type: 'DateTime', description: 'Start of the range (inclusive).' }),
        to: t.arg({ type: 'DateTime', description: 'End of the range (inclusive); default now.' }),
        fromPhone: t.arg.string({ description: 'Only SMS sent from this number.' }),
        toPhone: t.arg.string({ description: 'Only SMS sent to this number, e.g. +15551234567.' }),
        status: t.arg({ type: SmsStatus, description: 'Only SMS in this state.' }),
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
        return agentEntryConnection({
          list: 'smsRecords',
          agentId: agent.agentId,
          filters,
          args,
          cursors: context.paging.cursors,
          source: context.loaders.avaamo.lists.smsReport({ agentId: agent.agentId, ...filters }),
        });
      },
    },
    { name: 'SmsRecordConnection', description: pinnedConnectionDescription('SMS records') },
    { name: 'SmsRecordEdge' },
  ),
);
