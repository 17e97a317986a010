/**
 * The failure causes of Avaamo's SMS Reporting page (vendor-docs/
 * avaamo-sms-reporting-api.md, "Error status", in its order), read out of
 * the free text of `sms_status_response`. The page names each cause and its
 * fix but not the exact texts carriers send, so each cause is recognised by
 * the words that name it (the page's heading and the usual carrier wordings),
 * checked most specific first: "unknown destination handset" before
 * "unknown error", the 'From' queue before a queue overflow.
 */
export const SMS_FAILURE_CAUSES = [
  'RATE_LIMIT_EXCEEDED',
  'REGION_NOT_ENABLED',
  'UNSUBSCRIBED_RECIPIENT',
  'FROM_NUMBER_QUEUE_FULL',
  'INVALID_TO_NUMBER',
  'QUEUE_OVERFLOW',
  'ACCOUNT_SUSPENDED',
  'UNREACHABLE_HANDSET',
  'MESSAGE_BLOCKED',
  'UNKNOWN_HANDSET',
  'LANDLINE_OR_UNREACHABLE_CARRIER',
  'MESSAGE_FILTERED',
  'UNKNOWN_DELIVERY_ERROR',
  'CARRIER_CONGESTION',
  'CONTENT_TOO_LARGE',
  'INVALID_RECIPIENT',
  'SAME_FROM_AND_TO',
] as const;

export type SmsFailureCause = (typeof SMS_FAILURE_CAUSES)[number];
/** A failure whose text names none of the documented causes (or that came without one). */
export type SmsFailureReason = SmsFailureCause | 'UNCLASSIFIED';

interface CauseRule {
  cause: SmsFailureCause;
  /** Matched against the text lower-cased, with typographic quotes made plain. */
  pattern: RegExp;
}

const RULES: readonly CauseRule[] = [
  { cause: 'SAME_FROM_AND_TO', pattern: /same from and to|'?to'? and '?from'? (numbers? )?cannot be the same|from and to (numbers? )?(are|is) (the )?same/ },
  { cause: 'ACCOUNT_SUSPENDED', pattern: /account (was |has been |is )?suspended|suspended account/ },
  { cause: 'REGION_NOT_ENABLED', pattern: /not (been )?enabled for the region|region .{0,40}not (been )?(enabled|permitted|allowed)|geo.?permission/ },
  { cause: 'UNSUBSCRIBED_RECIPIENT', pattern: /unsubscribed|opted out|opt-?out/ },
  { cause: 'FROM_NUMBER_QUEUE_FULL', pattern: /maximum number of queued messages|too many queued|queued messages? (limit|full)|sender queue (is )?full/ },
  { cause: 'QUEUE_OVERFLOW', pattern: /queue overflow|queued for (more than|over) \d+ hours|expired in (the )?queue/ },
  { cause: 'RATE_LIMIT_EXCEEDED', pattern: /rate limit|too many (messages|replies|requests)/ },
  { cause: 'CONTENT_TOO_LARGE', pattern: /content size|too large|too long|exceed(s|ed)? (the )?carrier('s)? (size )?limit|size limit/ },
  { cause: 'MESSAGE_FILTERED', pattern: /filtered|spam|phishing|carrier guidelines/ },
  { cause: 'UNKNOWN_HANDSET', pattern: /unknown (destination )?handset|unknown subscriber|no longer exists?/ },
  { cause: 'UNREACHABLE_HANDSET', pattern: /unreachable (destination )?handset|switched off|powered off|out of coverage|handset .{0,30}(unavailable|unreachable)/ },
  { cause: 'LANDLINE_OR_UNREACHABLE_CARRIER', pattern: /landline|unreachable carrier|carrier (is )?unreachable/ },
  { cause: 'INVALID_RECIPIENT', pattern: /invalid (message )?recipient|recipient .{0,30}could not be verified/ },
  { cause: 'INVALID_TO_NUMBER', pattern: /not a valid (mobile |phone )?number|invalid ('?to'? |destination |phone |mobile )number/ },
  { cause: 'MESSAGE_BLOCKED', pattern: /blocked/ },
  { cause: 'CARRIER_CONGESTION', pattern: /congest/ },
  { cause: 'UNKNOWN_DELIVERY_ERROR', pattern: /unknown (error|reason)/ },
];

/** The cause a carrier's text names; UNCLASSIFIED when it names none of them (or there is none). */
export function classifySmsFailure(statusResponse: string | null | undefined): SmsFailureReason {
  if (!statusResponse) return 'UNCLASSIFIED';
  const text = statusResponse.toLowerCase().replace(/[‘’`´]/g, "'").replace(/\s+/g, ' ');
  return RULES.find((rule) => rule.pattern.test(text))?.cause ?? 'UNCLASSIFIED';
}

export interface CauseGuidance {
  /** What to do about it: the docs' recommended solution, in our words. */
  advice: string;
  /** Whether sending again later may succeed as it is (a transient cause). */
  retryable: boolean;
}

export const SMS_FAILURE_GUIDANCE: Readonly<Record<SmsFailureCause, CauseGuidance>> = {
  RATE_LIMIT_EXCEEDED: {
    advice: 'The recipient replied too fast (15 replies within 30 seconds). Check that nothing sends to this number in a loop, then send again later; ask Avaamo Support if it persists.',
    retryable: true,
  },
  REGION_NOT_ENABLED: {
    advice: "Sending to the 'To' number's country is not enabled for this account. Ask Avaamo Support to enable the region if you mean to send there.",
    retryable: false,
  },
  UNSUBSCRIBED_RECIPIENT: {
    advice: 'The recipient opted out of messages from this number. Take the number off your list; only send again if they resubscribe by texting START.',
    retryable: false,
  },
  FROM_NUMBER_QUEUE_FULL: {
    advice: "Too many messages are queued on this 'From' number. Send more slowly from it; the message can be sent again once the queue drains.",
    retryable: true,
  },
  INVALID_TO_NUMBER: {
    advice: "The 'To' number is not a valid mobile number: it may be a landline, mistyped, or not in E.164 form (+, country code, number with area code). Correct the number before sending again.",
    retryable: false,
  },
  QUEUE_OVERFLOW: {
    advice: 'The message waited in the sending queue for over 4 hours and expired. Send it again after a while; for high volumes in the US or Canada, ask Avaamo Support about a toll-free or short code number.',
    retryable: true,
  },
  ACCOUNT_SUSPENDED: {
    advice: 'The sending account was suspended before the message was delivered. Contact Avaamo Support.',
    retryable: false,
  },
  UNREACHABLE_HANDSET: {
    advice: 'The phone is switched off, out of signal or roaming off its network. Send again later; if other phones on the same carrier do not receive messages either, report it.',
    retryable: true,
  },
  MESSAGE_BLOCKED: {
    advice: 'The number is blocked from receiving this message (or cannot take SMS, like a landline). Check the number and its E.164 form, and whether the phone can receive SMS at all.',
    retryable: false,
  },
  UNKNOWN_HANDSET: {
    advice: 'The carrier does not know the number: it may no longer exist. Check the number and its E.164 form before sending again.',
    retryable: false,
  },
  LANDLINE_OR_UNREACHABLE_CARRIER: {
    advice: 'The number cannot receive SMS: a landline, or (for short codes) a carrier that cannot be reached. Send to a mobile number; otherwise report at least 3 such messages from the last 48 hours to Avaamo Support.',
    retryable: false,
  },
  MESSAGE_FILTERED: {
    advice: "The carrier flagged the content against its guidelines (as spam, phishing or fraud). Review the wording; report at least 3 such messages from the last 48 hours to Avaamo Support if it is legitimate.",
    retryable: false,
  },
  UNKNOWN_DELIVERY_ERROR: {
    advice: 'Delivery failed for a reason the carrier did not give. Check that the phone is on and not roaming, try a shorter message without special characters, and report at least 3 such messages from the last 48 hours to Avaamo Support.',
    retryable: false,
  },
  CARRIER_CONGESTION: {
    advice: "The carrier's network was congested. Send again later, spreading messages over a longer period instead of in bursts.",
    retryable: true,
  },
  CONTENT_TOO_LARGE: {
    advice: "The message is larger than the carrier accepts. Shorten it (or drop media) before sending again.",
    retryable: false,
  },
  INVALID_RECIPIENT: {
    advice: 'The recipient could not be verified. Check the number before sending again.',
    retryable: false,
  },
  SAME_FROM_AND_TO: {
    advice: "The 'To' number is the sending number itself. Send to the recipient's number instead.",
    retryable: false,
  },
};
