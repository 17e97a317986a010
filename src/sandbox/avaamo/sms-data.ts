import { FIRST_NAMES, LAST_NAMES, e164, fill, type AgentPersona } from '../corpus.js';
import type { Rng } from '../rng.js';
import { AVAAMO_HISTORY_MS, DAY_MS, MINUTE_MS, floatSeconds, formatDay } from '../time.js';
import { SMS_FAILURE_TEXTS, UNDOCUMENTED_FAILURE, type SmsFailureText } from './sms-failure-texts.js';
import type { AvaamoSmsRecord } from './types.js';

export interface SmsReport {
  /** Newest first. */
  records: AvaamoSmsRecord[];
  /** The cause the sandbox gave each failed or undelivered record, by uuid (never sent). */
  causes: Record<string, string>;
}

/**
 * An agent's SMS delivery report: texts to a few dozen recipients over the
 * Avaamo history, newest first. About a third fail; the first 17 failures
 * take each documented cause in turn, so every cause is in every agent's
 * data, and one failure in 20 has a text no documented cause covers.
 */
export function smsRecords(rng: Rng, plan: { smsCount: number; persona: AgentPersona }, now: number): SmsReport {
  const senders = rng.chance(0.5) ? [e164(rng)] : [e164(rng), e164(rng)];
  const recipients = Array.from({ length: rng.int(40, 80) }, () => ({
    phone: e164(rng),
    name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
  }));
  const records: AvaamoSmsRecord[] = [];
  const causes: Record<string, string> = {};
  let failures = 0;
  for (let i = 0; i < plan.smsCount; i++) {
    const recipient = rng.pick(recipients);
    const from = rng.pick(senders);
    const to = formatPhone(rng, recipient.phone);
    // [I] A fifth of them in the last week (a campaign running now), the rest spread over the history.
    const createdMs = now - rng.int(MINUTE_MS, rng.chance(0.2) ? 7 * DAY_MS : AVAAMO_HISTORY_MS);
    const outcome = rng.weighted<'delivered' | 'sent' | 'failure'>([['delivered', 55], ['sent', 15], ['failure', 30]]);
    const failure = outcome === 'failure' ? failureCause(rng, failures++) : null;
    const status = failure ? failure.status : outcome === 'failure' ? 'failed' : outcome;
    const record: AvaamoSmsRecord = {
      uuid: rng.uuid(),
      from_phone: from,
      to_phone: to,
      message: fillSms(rng, rng.pick(plan.persona.sms), recipient.name, createdMs),
      created_at: rng.chance(0.3) ? Math.floor(createdMs / 1000) : floatSeconds(createdMs),
      sms_status: status,
    };
    if (failure) {
      record.sms_status_response = rng.pick(failure.texts).replace('{to}', recipient.phone).replace('{from}', from);
      causes[record.uuid] = failure.cause;
    }
    records.push(record);
  }
  return { records: records.sort((a, b) => b.created_at - a.created_at), causes };
}

function failureCause(rng: Rng, index: number): SmsFailureText {
  const documented = SMS_FAILURE_TEXTS[index];
  if (documented) return documented;
  return rng.chance(0.05) ? UNDOCUMENTED_FAILURE : rng.pick(SMS_FAILURE_TEXTS);
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
