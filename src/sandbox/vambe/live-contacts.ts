import { z } from 'zod';
import { respond, type RouteResponse, type SandboxState } from '../route.js';
import { DAY_MS } from '../time.js';
import { arrival, attend, inStatus } from './queue-motion.js';
import { PLATFORMS, STATUSES } from './routes.js';
import { longestWaitingFirst } from './waiting.js';

/**
 * Control routes that change Vambe's queue now, so tests and GraphiQL users
 * can watch a subscription move (not upstream calls: neither counted nor
 * delayed). JSON bodies:
 *
 *   POST /__sandbox/contacts         {"status": "unattended", "count": 3, "waitingSeconds": 120}
 *   POST /__sandbox/contacts/attend  {"count": 2}
 *
 * The first adds `count` contacts with an active ticket in `status` (Vambe's
 * spelling), whose last message came `waitingSeconds` ago (default 0), on
 * `platform` and in `pipelineId` when given; the second moves the `count`
 * longest-waiting unattended contacts (of `platform`/`pipelineId` when given)
 * to attended, assigned to a team member. From then on the by-status route
 * lists them as it lists every contact (CONTRACTS §5). Answers
 * `{"added": [id, …]}` / `{"attended": [id, …]}`.
 */
export const CONTACTS_CONTROL_PATH = '/__sandbox/contacts';

const MAX_COUNT = 1000;
const filters = {
  platform: z.enum(PLATFORMS as [string, ...string[]]).optional(),
  pipelineId: z.string().min(1).optional(),
};
const addBody = z.strictObject({
  status: z.enum(Object.keys(STATUSES) as [string, ...string[]]),
  count: z.number().int().min(1).max(MAX_COUNT),
  waitingSeconds: z.number().int().min(0).max(30 * 86_400).optional(),
  ...filters,
});
const attendBody = z.strictObject({ count: z.number().int().min(1).max(MAX_COUNT), ...filters });

export function contactsControlRoute(method: string, path: string, body: string | null, state: SandboxState): RouteResponse | null {
  if (method !== 'POST' || (path !== CONTACTS_CONTROL_PATH && path !== `${CONTACTS_CONTROL_PATH}/attend`)) return null;
  if (body === null) return respond(413, { error: 'Request body too large' });
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    return respond(400, { error: 'The body must be JSON' });
  }
  const now = state.clock();
  state.vambeQueue.advanceTo(now);
  const { vambe } = state.dataset;
  const { rng } = state.vambeQueue;
  if (path === CONTACTS_CONTROL_PATH) {
    const parsed = addBody.safeParse(json);
    if (!parsed.success) return invalid(parsed.error);
    const { status, count, waitingSeconds = 0, platform, pipelineId } = parsed.data;
    if (pipelineId && !vambe.pipelines.some((pipeline) => pipeline.id === pipelineId)) return respond(404, { error: `Pipeline ${pipelineId} not found` });
    const added: string[] = [];
    for (let i = 0; i < count; i++) {
      const record = arrival(vambe, rng, STATUSES[status]!, now, Math.min(waitingSeconds * 1000, 30 * DAY_MS));
      if (platform) record.contact.platform = platform as (typeof PLATFORMS)[number];
      if (pipelineId) record.pipelineId = pipelineId;
      vambe.contacts.push(record);
      added.push(record.contact.id);
    }
    return respond(200, { added });
  }
  const parsed = attendBody.safeParse(json);
  if (!parsed.success) return invalid(parsed.error);
  const { count, platform, pipelineId } = parsed.data;
  const chosen = longestWaitingFirst(inStatus(vambe, 'UNATTENDED', platform as (typeof PLATFORMS)[number] | undefined, pipelineId), now).slice(0, count);
  for (const record of chosen) attend(vambe, rng, record);
  return respond(200, { attended: chosen.map((record) => record.contact.id) });
}

function invalid(error: z.ZodError): RouteResponse {
  return respond(422, { error: error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') });
}
