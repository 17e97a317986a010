import { FIRST_NAMES, LAST_NAMES, SMS_FAILURES, e164, fill, type AgentPersona } from '../corpus.js';
import type { Rng } from '../rng.js';
import { DATA_WINDOW_MS, DAY_MS, MINUTE_MS, floatSeconds, formatDay } from '../time.js';
import type { AvaamoSmsRecord, SmsStatus } from './types.js';

/** An agent's SMS delivery report: texts to a few dozen recipients over the data window, newest first. */
export function smsRecords(rng: Rng, plan: { smsCount: number; persona: AgentPersona }, now: number): AvaamoSmsRecord[] {
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
