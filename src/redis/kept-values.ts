import { z } from 'zod';
import type { CohortUpdate } from '../queue/types.js';
import type { TraversalPage } from '../schema/traversal-store.js';
import { vambeContact } from '../upstreams/vambe/types.js';

/**
 * What this gateway reads back from Redis, checked as any wire shape is where
 * it enters: a value another build wrote, or one damaged, is a miss, not a
 * throw (a SyntaxError inside `attempt` would mark Redis degraded for the
 * whole replica; one outside it would fail the field).
 */
const upstreamName = z.enum(['avaamo', 'vambe', 'rocketchat']);
const queueFailure = z.object({
  code: z.enum([
    'BAD_USER_INPUT',
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'NOT_FOUND',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_TIMEOUT',
    'UPSTREAM_UNAVAILABLE',
    'UPSTREAM_NOT_CONFIGURED',
    'INTERNAL_SERVER_ERROR',
  ]),
  message: z.string(),
  upstream: upstreamName,
  upstreamStatus: z.number().optional(),
  retryAfter: z.number().optional(),
});
const cohortUpdate = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('queue'),
    read: z.object({
      contacts: z.array(vambeContact.extend({ waitingSince: z.number() })),
      totalCount: z.number(),
      complete: z.boolean(),
      readAt: z.number(),
      stale: z.boolean(),
    }),
  }),
  z.object({ kind: z.literal('failure'), failure: queueFailure, at: z.number() }),
]);

const traversalPage = z.object({
  parent: z.string().nullable(),
  returned: z.array(z.string()),
  resumeAfter: z.number().nullable(),
  resumeBefore: z.number().nullable(),
});

/** `json` as `schema` describes it, or `null` when it is not JSON or not that shape. */
function kept<T>(schema: z.ZodType<T>, json: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export const keptCohortUpdate = (json: string): CohortUpdate | null => kept(cohortUpdate, json);
/** An update heard over pub/sub (parsed already by the event target). */
export const heardCohortUpdate = (value: unknown): CohortUpdate | null => {
  const parsed = cohortUpdate.safeParse(value);
  return parsed.success ? parsed.data : null;
};
export const keptTraversalPage = (json: string): TraversalPage | null => kept(traversalPage, json);
