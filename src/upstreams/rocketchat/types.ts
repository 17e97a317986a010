import { z } from 'zod';

/** Rocket.Chat `conversations-by-agent` (CONTRACTS.md §6). */
export const conversationsByAgentResponse = z.looseObject({
  total: z.number(),
  // `label` is the agent's display name, or its raw user id when it has none (§7.18).
  data: z.array(z.looseObject({ label: z.string(), value: z.number() })),
  unspecified: z.number().default(0),
});
export type ConversationsByAgentWire = z.infer<typeof conversationsByAgentResponse>;
