import { z } from 'zod';

/**
 * Avaamo wire shapes (CONTRACTS.md §1–§4), validated where they enter.
 * Objects are loose: Avaamo adds fields between releases and the gateway
 * should not break on them. Where the docs and examples disagree the schema
 * accepts both.
 */

const epochSeconds = z.number();
const looseObject = z.record(z.string(), z.unknown());

export const avaamoPage = <T extends z.ZodType>(entry: T) =>
  z.looseObject({
    current_page: z.coerce.number(),
    per_page: z.coerce.number(),
    total_entries: z.coerce.number(),
    total_pages: z.coerce.number(),
    // Server time of the response, float epoch seconds.
    time_token: z.number().optional(),
    entries: z.array(entry),
  });

export interface AvaamoPage<T> {
  current_page: number;
  per_page: number;
  total_entries: number;
  total_pages: number;
  time_token?: number | undefined;
  entries: T[];
}

export const agentSkill = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: z.string(),
  type: z.string().nullish(),
  status: z.string().nullish(),
});

export const agentDetailsResponse = z
  .looseObject({
  agent: z.looseObject({
    id: z.number(),
    display_name: z.string().nullish(),
    description: z.string().nullish(),
    created_at: epochSeconds.nullish(),
    updated_at: epochSeconds.nullish(),
    skills: z.array(agentSkill).nullish(),
    language_packs: z
      .array(z.looseObject({ id: z.union([z.number(), z.string()]), language: z.string(), default: z.boolean().nullish() }))
      .nullish(),
  }),
  })
  .transform((body) => body.agent);
export type AgentDetails = z.infer<typeof agentDetailsResponse>;

export const unhandledMessage = z.looseObject({
  message_uuid: z.string(),
  content: z.string(),
  channel_name: z.string().nullish(),
  created_at: epochSeconds,
  // The documented example holds a number here (a user id), not a name (§7.8).
  user: z.union([looseObject, z.null()]).optional(),
  score: z.number().nullish(),
  intent_type: z.string().nullish(),
  intent_name: z.string().nullish(),
});
export type UnhandledMessageWire = z.infer<typeof unhandledMessage>;
export const unhandledMessagesResponse = avaamoPage(unhandledMessage);

export const avaamoUser = z.looseObject({
  first_name: z.union([z.string(), z.number()]).nullish(),
  last_name: z.string().nullish(),
  layer_id: z.string().nullish(),
  email: z.string().nullish(),
  // The doc says array, its example says null; some builds send a string.
  phone: z.union([z.array(z.string()), z.string()]).nullish(),
  avaamo_id: z.number().nullish(),
});
export type AvaamoUser = z.infer<typeof avaamoUser>;

export const agentMessage = z.looseObject({
  uuid: z.string(),
  content: z.string().nullish(),
  content_type: z.string().nullish(),
  created_at: epochSeconds,
  user: avaamoUser.nullish(),
  // 16-digit microseconds although documented as milliseconds (§7.2).
  timetoken: z.number().nullish(),
  device_uuid: z.string().nullish(),
  request_message_uuid: z.string().nullish(),
  sequence: z.string().nullish(),
  custom_properties: looseObject.nullish(),
  read_acks: z.array(z.looseObject({ read_at: epochSeconds, user: avaamoUser.nullish() })).nullish(),
  attachments: z.array(z.unknown()).nullish(),
  conversation: z
    .looseObject({
      uuid: z.string(),
      display_name: z.string().nullish(),
      locale: z.string().nullish(),
    })
    .nullish(),
});
export type AgentMessageWire = z.infer<typeof agentMessage>;
export const agentMessagesResponse = avaamoPage(agentMessage);

export const smsStatuses = ['sent', 'failed', 'delivered', 'undelivered'] as const;
export type SmsStatusWire = (typeof smsStatuses)[number];

export const smsReportEntry = z.looseObject({
  // Typed "Integer" in the doc table, a UUID string in every example (§7.11).
  uuid: z.union([z.string(), z.number()]).transform(String),
  from_phone: z.string(),
  to_phone: z.string(),
  message: z.string(),
  created_at: epochSeconds,
  sms_status: z.enum(smsStatuses),
  sms_status_response: z.string().nullish(),
});
export type SmsReportEntryWire = z.infer<typeof smsReportEntry>;
export const smsReportResponse = avaamoPage(smsReportEntry);

export const postMessageResponse = z.looseObject({ success: z.boolean() });

export interface PostAgentMessageBody {
  message: string | Record<string, unknown>;
  conversation: { uuid: string };
  bot_id: number;
  force_locale?: string;
}
