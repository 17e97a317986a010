import { SPANISH_FIRST_NAMES, SPANISH_LAST_NAMES } from '../corpus.js';
import type { Rng } from '../rng.js';
import { DATA_WINDOW_MS, DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.js';
import type {
  VambeAssignedAgent, VambeChatStatus, VambeContactRecord, VambeDataset, VambePipeline, VambePlatform,
} from './types.js';

const PIPELINES: readonly (readonly [string, readonly string[]])[] = [
  ['Ventas', ['Nuevo lead', 'Calificado', 'Propuesta enviada', 'Negociación', 'Cerrado']],
  ['Soporte', ['Nuevo caso', 'En revisión', 'Esperando cliente', 'Resuelto']],
  ['Postventa', ['Entrega', 'Cambio o devolución', 'Encuesta']],
];

/** How many contacts with an active ticket each status gets (at least 200 in all), and how long they tend to wait. */
const STATUS_PLANS: readonly { status: VambeChatStatus; count: readonly [number, number]; maxWaitMs: number }[] = [
  { status: 'UNATTENDED', count: [64, 78], maxWaitMs: 3 * DAY_MS },
  { status: 'ATTENDED', count: [58, 70], maxWaitMs: 12 * HOUR_MS },
  { status: 'AI_ATTENDED', count: [48, 60], maxWaitMs: 30 * MINUTE_MS },
  { status: 'AI_AWAY', count: [30, 40], maxWaitMs: 2 * DAY_MS },
];

const PLATFORMS: readonly (readonly [VambePlatform, number])[] = [
  ['whatsapp', 50], ['instagram', 12], ['webchat', 12], ['web-whatsapp', 8], ['messenger', 8], ['sms', 5], ['playground', 5],
];

export interface VambeDataOptions {
  /** Contacts with an active ticket in each status, instead of the seeded 30 to 78 (long traversals in tests). */
  contactsPerStatus?: number;
}

export function generateVambe(rng: Rng, now: number, { contactsPerStatus }: VambeDataOptions = {}): VambeDataset {
  const teamMembers = Array.from({ length: 12 }, (): VambeAssignedAgent => ({ agent_id: rng.uuid(), agent_name: personName(rng) }));
  const pipelines = PIPELINES.map(([name, stages]): VambePipeline => ({
    id: rng.uuid(),
    name,
    stages: stages.map((stage) => ({ id: rng.uuid(), name: stage })),
  }));
  const contacts: VambeContactRecord[] = [];
  for (const plan of STATUS_PLANS) {
    const count = contactsPerStatus ?? rng.int(plan.count[0], plan.count[1]);
    for (let i = 0; i < count; i++) contacts.push(generateContact(rng, now, plan.status, plan.maxWaitMs, pipelines, teamMembers, contacts));
  }
  // Contacts without an active ticket: the endpoint must leave them out.
  for (let i = 0; i < 30; i++) {
    const plan = rng.pick(STATUS_PLANS);
    const record = generateContact(rng, now, plan.status, plan.maxWaitMs, pipelines, teamMembers, contacts);
    record.contact.active_ticket_v2 = null;
    record.pipelineId = null;
    contacts.push(record);
  }
  return { contacts, teamMembers, pipelines };
}

/** One contact with an active ticket in `status`, waiting up to `maxWaitMs` (the live queue adds contacts with it too). */
export function generateContact(
  rng: Rng,
  now: number,
  status: VambeChatStatus,
  maxWaitMs: number,
  pipelines: readonly VambePipeline[],
  teamMembers: readonly VambeAssignedAgent[],
  earlier: readonly VambeContactRecord[],
): VambeContactRecord {
  const lastInboundAt = lastInbound(rng, now, maxWaitMs, earlier);
  const createdAt = Math.max(now - DATA_WINDOW_MS, (lastInboundAt ?? now) - rng.int(MINUTE_MS, 26 * DAY_MS));
  const pipeline = rng.pick(pipelines);
  const stage = rng.chance(0.9) ? rng.pick(pipeline.stages).id : null;
  return {
    contact: {
      id: rng.uuid(),
      name: rng.chance(0.1) ? chileanMobile(rng) : personName(rng),
      created_at: new Date(createdAt).toISOString(),
      platform: rng.weighted(PLATFORMS),
      chat_status: status,
      active_ticket_v2: { id: rng.uuid(), current_stage_id: stage },
      assigned_agents: assignees(rng, status, teamMembers),
    },
    pipelineId: pipeline.id,
    lastInboundAt,
  };
}

function lastInbound(rng: Rng, now: number, maxWaitMs: number, earlier: readonly VambeContactRecord[]): number | null {
  if (rng.chance(0.04)) return null;
  // Some contacts wrote in the same instant (a broadcast reply), so equal waiting times occur and the id tie-break matters.
  const previous = earlier[earlier.length - 1];
  if (previous?.lastInboundAt != null && rng.chance(0.06)) return previous.lastInboundAt;
  // Squaring skews towards short waits, with a long tail.
  return now - 30 * SECOND_MS - Math.floor(rng.next() ** 2 * maxWaitMs);
}

export function assignees(rng: Rng, status: VambeChatStatus, teamMembers: readonly VambeAssignedAgent[]): VambeAssignedAgent[] {
  const count =
    status === 'ATTENDED' ? (rng.chance(0.8) ? 1 : 2)
    : status === 'UNATTENDED' ? (rng.chance(0.25) ? 1 : 0)
    : status === 'AI_AWAY' ? (rng.chance(0.2) ? 1 : 0)
    : 0;
  const chosen = new Set<VambeAssignedAgent>();
  while (chosen.size < count) chosen.add(rng.pick(teamMembers));
  return [...chosen].map((member) => ({ ...member }));
}

function personName(rng: Rng): string {
  return `${rng.pick(SPANISH_FIRST_NAMES)} ${rng.pick(SPANISH_LAST_NAMES)}`;
}

/** WhatsApp contacts that never shared a name show up under their number. */
function chileanMobile(rng: Rng): string {
  return `+56 9 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`;
}
