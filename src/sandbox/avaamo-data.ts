import { sandboxCredentials, sandboxRestrictedAgentId, sandboxSecondTenant } from './credentials.js';
import {
  AREA_CODES, FALLBACK_REPLY, FIRST_NAMES, LAST_NAMES, LIVE_AGENT_LINES, PERSONAS, RICH_RESPONSES, SMS_FAILURES,
  TIME_ZONES, WEB_USER_AGENTS, type AgentPersona,
} from './corpus.js';
import type { Rng } from './rng.js';
import { DATA_WINDOW_MS, DAY_MS, HOUR_MS, MINUTE_MS, formatDay } from './time.js';
import type {
  AvaamoAgentData, AvaamoAgentDetails, AvaamoConversation, AvaamoDeviceInfo, AvaamoMessage, AvaamoSmsRecord,
  AvaamoUnhandledMessage, AvaamoUser, SmsStatus,
} from './types.js';

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
      messageTarget: busy ? rng.int(1250, 1400) : rng.int(300, 800),
      conversationCount: busy ? rng.int(55, 70) : rng.int(15, 40),
      smsCount: busy ? rng.int(350, 450) : rng.int(200, 400),
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

interface AgentContext {
  rng: Rng;
  now: number;
  ids: { next: number };
  details: AvaamoAgentDetails;
  botUser: AvaamoUser;
  liveAgents: AvaamoUser[];
  persona: AgentPersona;
  messages: AvaamoMessage[];
  unhandled: AvaamoUnhandledMessage[];
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
  const ctx: AgentContext = { rng, now, ids, details, botUser, liveAgents, persona: plan.persona, messages: [], unhandled: [] };
  while (ctx.messages.length < plan.messageTarget) addSession(ctx, rng.pick(conversations));

  return {
    details,
    accessToken: plan.accessToken,
    userCanView: plan.userCanView,
    botUser,
    messages: ctx.messages.sort((a, b) => b.timetoken - a.timetoken),
    unhandledMessages: ctx.unhandled.sort((a, b) => b.created_at - a.created_at),
    smsRecords: smsRecords(rng, plan, now),
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

/** One visit: a few user queries, each answered by the agent (or not), sometimes ending with a live agent. */
function addSession(ctx: AgentContext, conversation: AvaamoConversation): void {
  const { rng, now } = ctx;
  let clockUs = (now - rng.int(15 * MINUTE_MS, DATA_WINDOW_MS - HOUR_MS)) * 1000;
  const turns = rng.int(1, 5);
  for (let turn = 0; turn < turns; turn++) {
    clockUs += rng.int(5, 90) * 1_000_000 + rng.int(0, 999_999);
    clockUs = addExchange(ctx, conversation, clockUs);
  }
  if (conversation.mode && rng.chance(0.3)) addLiveAgentReply(ctx, conversation, clockUs + rng.int(30, 600) * 1_000_000);
}

function addExchange(ctx: AgentContext, conversation: AvaamoConversation, clockUs: number): number {
  const { rng } = ctx;
  const n = String(rng.int(10_000, 99_999));
  const unhandled = rng.chance(0.25);
  const [query, replies] = unhandled
    ? [rng.pick(ctx.persona.unhandled), [FALLBACK_REPLY]]
    : rng.pick(ctx.persona.exchanges);
  const request = pushMessage(ctx, conversation, {
    user: conversation.user,
    content: fill(query, n),
    content_type: 'text',
    timetoken: clockUs,
    request_message_uuid: null,
    sequence: null,
    custom_properties: rng.chance(0.2) ? { customer_tier: rng.pick(['gold', 'silver', 'bronze']), session_id: rng.hex(12) } : {},
  });
  if (unhandled) ctx.unhandled.push(unhandledEntry(request, conversation));

  const responses: { content: string; content_type: string }[] = replies.map((reply) => ({ content: fill(reply, n), content_type: 'text' }));
  if (!unhandled && rng.chance(0.12)) {
    const rich = rng.pick(RICH_RESPONSES);
    responses.push({ content: JSON.stringify(rich.message), content_type: rich.content_type });
  }
  let at = clockUs;
  responses.forEach((response, index) => {
    at += rng.int(200_000, 1_500_000);
    pushMessage(ctx, conversation, {
      user: ctx.botUser,
      ...response,
      timetoken: at,
      request_message_uuid: request.uuid,
      sequence: `${index + 1}/${responses.length}`,
      custom_properties: {},
    });
  });
  return at;
}

function addLiveAgentReply(ctx: AgentContext, conversation: AvaamoConversation, clockUs: number): void {
  const agent = ctx.rng.pick(ctx.liveAgents);
  pushMessage(ctx, conversation, {
    user: agent,
    content: ctx.rng.pick(LIVE_AGENT_LINES).replace('{agent}', agent.first_name),
    content_type: 'text',
    timetoken: clockUs,
    request_message_uuid: null,
    sequence: null,
    custom_properties: {},
    agent_message_uuid: ctx.rng.uuid(),
  });
}

interface NewMessage {
  user: AvaamoUser;
  content: string;
  content_type: string;
  timetoken: number;
  request_message_uuid: string | null;
  sequence: string | null;
  custom_properties: Record<string, unknown>;
  agent_message_uuid?: string;
}

function pushMessage(ctx: AgentContext, conversation: AvaamoConversation, fields: NewMessage): AvaamoMessage {
  const { rng } = ctx;
  // Messages not from the end user are read by the end user, except the most recent ones.
  const fromEndUser = fields.user === conversation.user;
  const readAtMs = fields.timetoken / 1000 + rng.int(1_000, 60_000);
  const read = !fromEndUser && readAtMs < ctx.now && rng.chance(0.9);
  const message: AvaamoMessage = {
    uuid: rng.uuid(),
    content: fields.content,
    content_type: fields.content_type,
    // Exactly the timetoken in seconds, so a created_at converts back to its timetoken.
    created_at: fields.timetoken / 1e6,
    user: fields.user,
    timetoken: fields.timetoken,
    external_source: null,
    device_uuid: conversation.device_uuid,
    request_message_uuid: fields.request_message_uuid,
    sequence: fields.sequence,
    custom_properties: fields.custom_properties,
    agent_message_uuid: fields.agent_message_uuid ?? null,
    read_acks: read ? [{ read_at: rng.chance(0.7) ? Math.floor(readAtMs / 1000) : floatSeconds(readAtMs), user: conversation.user }] : [],
    attachments: [],
    conversation: conversationRef(conversation),
  };
  ctx.messages.push(message);
  return message;
}

export function conversationRef(conversation: AvaamoConversation): AvaamoMessage['conversation'] {
  return { uuid: conversation.uuid, mode: conversation.mode, display_name: conversation.display_name, locale: conversation.locale };
}

function unhandledEntry(request: AvaamoMessage, conversation: AvaamoConversation): AvaamoUnhandledMessage {
  return {
    message_uuid: request.uuid,
    score: 0,
    content: request.content,
    intent_type: 'UNHANDLED::INTENT',
    channel_name: conversation.channel_name,
    created_at: Math.floor(request.created_at),
    // As in the vendor example: first_name holds the user's numeric id, not a name.
    user: { first_name: request.user.avaamo_id },
    intent_name: 'Unhandled',
  };
}

function smsRecords(rng: Rng, plan: AgentPlan, now: number): AvaamoSmsRecord[] {
  const senders = rng.chance(0.5) ? [e164(rng)] : [e164(rng), e164(rng)];
  const recipients = Array.from({ length: rng.int(40, 80) }, () => ({
    phone: e164(rng),
    name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
  }));
  const records: AvaamoSmsRecord[] = [];
  for (let i = 0; i < plan.smsCount; i++) {
    const recipient = rng.pick(recipients);
    const from = rng.pick(senders);
    const to = formatPhone(rng, recipient.phone);
    const createdMs = now - rng.int(MINUTE_MS, DATA_WINDOW_MS);
    const status = rng.weighted<SmsStatus>([['delivered', 55], ['sent', 15], ['undelivered', 12], ['failed', 18]]);
    const record: AvaamoSmsRecord = {
      uuid: rng.uuid(),
      from_phone: from,
      to_phone: to,
      message: fillSms(rng, rng.pick(plan.persona.sms), recipient.name, createdMs),
      created_at: rng.chance(0.3) ? Math.floor(createdMs / 1000) : floatSeconds(createdMs),
      sms_status: status,
    };
    if (status === 'failed') record.sms_status_response = rng.pick(SMS_FAILURES).replace('{to}', recipient.phone).replace('{from}', from);
    records.push(record);
  }
  return records.sort((a, b) => b.created_at - a.created_at);
}

function fillSms(rng: Rng, template: string, name: string, sentMs: number): string {
  const appointment = sentMs + rng.int(1, 7) * DAY_MS;
  return fill(template, String(rng.int(10_000, 99_999)))
    .replace('{name}', name)
    .replace('{date}', formatDay(appointment))
    .replace('{time}', `${String(rng.int(8, 17)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}`);
}

function fill(template: string, n: string): string {
  return template.replaceAll('{n}', n);
}

function e164(rng: Rng): string {
  return `+1${rng.pick(AREA_CODES)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

/** The report does not normalise numbers (vendor example: "+1(123) 456-xxxx"), so neither does the sandbox. */
function formatPhone(rng: Rng, phone: string): string {
  const area = phone.slice(2, 5);
  const exchange = phone.slice(5, 8);
  const line = phone.slice(8);
  return rng.weighted([
    [phone, 50],
    [`+1(${area}) ${exchange}-${line}`, 25],
    [`+1 ${area}-${exchange}-${line}`, 15],
    [`+1 (${area}) ${exchange} ${line}`, 10],
  ] as const);
}

function floatSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
