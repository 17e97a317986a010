import { z } from 'zod';

/**
 * Vambe wire shapes (CONTRACTS.md §5). The sub-objects and the casing of
 * `chat_status` are undocumented, so the parser accepts the spellings seen
 * across Vambe's endpoints (§7.16).
 */

export const contactStatuses = ['unattended', 'attended', 'ai-attended', 'ai-away'] as const;
export type ContactStatusWire = (typeof contactStatuses)[number];

export const contactPlatforms = ['whatsapp', 'playground', 'instagram', 'webchat', 'web-whatsapp', 'messenger', 'sms'] as const;
export type ContactPlatformWire = (typeof contactPlatforms)[number];

/** Vambe's casing is undocumented: "AI_ATTENDED", "ai-attended" and "Ai_Attended" are one value (§7.16); null for one not in `allowed`. */
export function wireEnum<T extends string>(value: string | null | undefined, allowed: readonly T[]): T | null {
  const spelled = (value ?? '').toLowerCase().replaceAll('_', '-');
  return allowed.find((candidate) => candidate === spelled) ?? null;
}

const teamMember = z
  .looseObject({
    agent_id: z.string().nullish(),
    id: z.string().nullish(),
    agent_name: z.string().nullish(),
    name: z.string().nullish(),
  })
  .transform((member) => ({ id: member.agent_id ?? member.id ?? null, name: member.agent_name ?? member.name ?? null }));

export const vambeContact = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  created_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date'),
  platform: z.string().nullish(),
  chat_status: z.string().nullish(),
  // Seconds on this endpoint (milliseconds on its siblings, §7.15).
  waiting_time: z.number().nullish(),
  active_ticket_v2: z.record(z.string(), z.unknown()).nullish(),
  assigned_agents: z.array(teamMember).nullish(),
});
export type VambeContactWire = z.infer<typeof vambeContact>;

export interface ContactsPage {
  contacts: VambeContactWire[];
  /** Null when Vambe sent a bare array, which carries no total. */
  total: number | null;
}

/** The prose documents `{data, total}`, the OpenAPI block a bare array (§7.12): accept both. */
export const contactsByStatusResponse = z
  .union([z.looseObject({ data: z.array(vambeContact), total: z.number() }), z.array(vambeContact)])
  .transform((body): ContactsPage => (Array.isArray(body) ? { contacts: body, total: null } : { contacts: body.data, total: body.total }));
