import { sandboxCredentials, sandboxRestrictedAgentId, sandboxSecondTenant } from '../credentials.js';
import { FIRST_NAMES, LAST_NAMES, PERSONAS, TIME_ZONES, WEB_USER_AGENTS, e164, type AgentPersona } from '../corpus.js';
import type { Rng } from '../rng.js';
import { DAY_MS, floatSeconds } from '../time.js';
import { addSession, type AgentContext } from './message-data.js';
import { smsRecords } from './sms-data.js';
import type { AvaamoAgentData, AvaamoAgentDetails, AvaamoConversation, AvaamoDeviceInfo, AvaamoUser } from './types.js';

interface AgentPlan {
  id: number;
  accessToken: string | null;
  userCanView: boolean;
  persona: AgentPersona;
  messageTarget: number;
  conversationCount: number;
  smsCount: number;
}

/** Builds the Avaamo agents: the ones with sandbox tokens, then the restricted one. */
export function generateAvaamoAgents(rng: Rng, now: number): Record<number, AvaamoAgentData> {
  const agents: Record<number, AvaamoAgentData> = {};
  const ids = { next: 5_713_600 };
  for (const plan of agentPlans(rng)) agents[plan.id] = generateAgent(rng, plan, now, ids);
  return agents;
}

function agentPlans(rng: Rng): AgentPlan[] {
  const plans = sandboxCredentials.avaamoAgents.map((agent, index): AgentPlan => {
    // The first agent is the busy one, so paging through its messages spans many pages.
    const busy = index === 0;
    return {
      id: agent.id,
      accessToken: agent.accessToken,
      userCanView: true,
      persona: personaAt(index),
      // Spread over 120 days (AVAAMO_HISTORY_MS): a few dozen messages and SMS a day for the busy one.
      messageTarget: busy ? rng.int(2500, 2800) : rng.int(600, 1600),
      conversationCount: busy ? rng.int(110, 140) : rng.int(30, 80),
      smsCount: busy ? rng.int(700, 900) : rng.int(400, 800),
    };
  });
  plans.push({
    id: sandboxRestrictedAgentId,
    accessToken: sandboxSecondTenant.avaamoAgents[0].accessToken,
    userCanView: false,
    persona: personaAt(PERSONAS.length - 1),
    messageTarget: 40,
    conversationCount: 4,
    smsCount: 20,
  });
  return plans;
}

function personaAt(index: number): AgentPersona {
  const persona = PERSONAS[index % PERSONAS.length];
  if (!persona) throw new TypeError('the corpus defines no agent personas');
  return persona;
}


function generateAgent(rng: Rng, plan: AgentPlan, now: number, ids: { next: number }): AvaamoAgentData {
  const details = agentDetails(rng, plan, now);
  const botUser = user(rng, ids, details.display_name, '', rng.uuid());
  const liveAgents = [0, 1, 2].map(() => {
    const first = rng.pick(FIRST_NAMES);
    return user(rng, ids, first, rng.pick(LAST_NAMES).charAt(0), `dashboard_user_${rng.int(100, 999)}`);
  });
  const devices: Record<number, AvaamoDeviceInfo> = {};
  const conversations: AvaamoConversation[] = [];
  for (let i = 0; i < plan.conversationCount; i++) {
    const conversation = newConversation(rng, ids, details);
    conversations.push(conversation);
    devices[conversation.user.avaamo_id] = device(rng, conversation.channel_name);
  }
  const ctx: AgentContext = { rng, now, ids, details, botUser, liveAgents, persona: plan.persona, messages: [], unhandled: [], intents: {} };
  while (ctx.messages.length < plan.messageTarget) addSession(ctx, rng.pick(conversations));
  const sms = smsRecords(rng, plan, now);

  return {
    details,
    accessToken: plan.accessToken,
    userCanView: plan.userCanView,
    botUser,
    messages: ctx.messages.sort((a, b) => b.timetoken - a.timetoken),
    unhandledMessages: ctx.unhandled.sort((a, b) => b.created_at - a.created_at),
    unhandledIntents: ctx.intents,
    smsRecords: sms.records,
    smsFailureCauses: sms.causes,
    conversations,
    devices,
  };
}

function agentDetails(rng: Rng, plan: AgentPlan, now: number): AvaamoAgentDetails {
  const createdAt = now - rng.int(200, 900) * DAY_MS - rng.int(0, DAY_MS);
  const skillTypes = ['dialog', 'answers', 'smalltalk', 'live_agent'] as const;
  return {
    id: plan.id,
    description: plan.persona.description,
    display_name: plan.persona.display_name,
    created_at: floatSeconds(createdAt),
    updated_at: floatSeconds(now - rng.int(1, 20) * DAY_MS - rng.int(0, DAY_MS)),
    entities: [],
    entity_types: [],
    dictionaries: [],
    skills: plan.persona.skills.map((name, index) => {
      const skillCreated = createdAt + rng.int(1, 60) * DAY_MS;
      return {
        id: plan.id * 100 + index + 1,
        name,
        type: name === 'Smalltalk' ? 'smalltalk' : name === 'Live agent handoff' ? 'live_agent' : rng.pick(skillTypes.slice(0, 2)),
        source_id: rng.chance(0.5) ? rng.int(1000, 9999) : null,
        created_at: floatSeconds(skillCreated),
        updated_at: floatSeconds(skillCreated + rng.int(1, 100) * DAY_MS),
        status: rng.chance(0.85) ? 'active' : 'inactive',
      };
    }),
    // [I] the masking object's fields are not documented; a plausible "off" configuration.
    information_masking: { enabled: false, mask_user_data: false, patterns: [] },
    language_packs: [
      { id: plan.id * 10 + 1, language: 'en-US', default: true },
      { id: plan.id * 10 + 2, language: 'es-ES', default: false },
    ],
  };
}

function user(rng: Rng, ids: { next: number }, firstName: string, lastName: string, layerId: string): AvaamoUser {
  ids.next += rng.int(1, 40);
  return {
    first_name: firstName,
    last_name: lastName,
    layer_id: layerId,
    email: null,
    phone: null,
    avatar: false,
    avatar_updated_at: null,
    avaamo_id: ids.next,
  };
}

function newConversation(rng: Rng, ids: { next: number }, details: AvaamoAgentDetails): AvaamoConversation {
  const channel = rng.weighted([['web', 50], ['whatsapp', 20], ['facebook', 15], ['sms', 15]] as const);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const endUser = user(rng, ids, first, last, rng.uuid());
  if (rng.chance(0.4)) endUser.email = `${first}.${last}@example.com`.toLowerCase().replace(/'/g, '');
  // [I] the doc types phone as an array; the example shows null. Phone channels carry one number.
  if (channel === 'sms' || channel === 'whatsapp') endUser.phone = [e164(rng)];
  return {
    uuid: rng.hex(32),
    // [I] mode is undocumented; true marks conversations that were handed to a live agent.
    mode: rng.chance(0.15),
    display_name: `${details.display_name},${first}`,
    locale: rng.weighted([['en-US', 60], ['en-GB', 20], ['es-ES', 10], [null, 10]] as const),
    channel_name: channel,
    device_uuid: rng.uuid(),
    user: endUser,
  };
}

function device(rng: Rng, channel: string): AvaamoDeviceInfo {
  const [timeZone, offsetMinutes] = rng.pick(TIME_ZONES);
  const web = channel === 'web';
  const userAgent = web ? rng.pick(WEB_USER_AGENTS) : null;
  return {
    // [I] user_agent applies to the web channel only (doc); other channels get null.
    user_agent: userAgent,
    os_name: userAgent ? osOf(userAgent) : rng.pick(['Android', 'iOS']),
    // [I] units undocumented: zone_offset in minutes, utc_offset in seconds.
    zone_offset: offsetMinutes,
    utc_offset: offsetMinutes * 60,
    time_zone: rng.chance(0.9) ? timeZone : null,
  };
}

function osOf(userAgent: string): string {
  if (userAgent.includes('iPhone')) return 'iOS';
  if (userAgent.includes('Mac OS')) return 'Mac OS';
  if (userAgent.includes('Windows')) return 'Windows';
  return 'Linux';
}
