import {
  SMS_FAILURE_CAUSES,
  SMS_FAILURE_GUIDANCE,
  classifySmsFailure,
  type SmsFailureReason as Reason,
} from '../upstreams/avaamo/sms-failures.js';
import type { SmsReportEntryWire } from '../upstreams/avaamo/types.js';
import { builder } from './builder.js';

/** The docs' heading of each cause, as the enum value's description. */
const HEADINGS: Readonly<Record<(typeof SMS_FAILURE_CAUSES)[number], string>> = {
  RATE_LIMIT_EXCEEDED: 'SMS send rate limit exceeded (15 replies in less than 30 seconds).',
  REGION_NOT_ENABLED: "Sending is not enabled for the region of the 'To' number.",
  UNSUBSCRIBED_RECIPIENT: 'The recipient unsubscribed (opted out).',
  FROM_NUMBER_QUEUE_FULL: "The 'From' number has too many messages queued.",
  INVALID_TO_NUMBER: "The 'To' number is not a valid mobile number (the vendor's example: \"The 'To' number … is not a valid phone number.\").",
  QUEUE_OVERFLOW: 'Queued for over 4 hours, then failed.',
  ACCOUNT_SUSPENDED: 'The account was suspended between sending and delivery.',
  UNREACHABLE_HANDSET: 'The destination handset is off or otherwise unreachable.',
  MESSAGE_BLOCKED: 'The destination is blocked from receiving the message.',
  UNKNOWN_HANDSET: 'The destination handset is unknown and may no longer exist.',
  LANDLINE_OR_UNREACHABLE_CARRIER: 'A landline, or (short codes) an unreachable carrier.',
  MESSAGE_FILTERED: 'The carrier filtered the content (spam, phishing, fraud).',
  UNKNOWN_DELIVERY_ERROR: 'Delivery failed for unknown reasons.',
  CARRIER_CONGESTION: "The carrier's network is congested.",
  CONTENT_TOO_LARGE: 'The content exceeds the carrier size limit.',
  INVALID_RECIPIENT: 'The recipient could not be verified.',
  SAME_FROM_AND_TO: "'From' and 'To' are the same number.",
};

export const SmsFailureReason = builder.enumType('SmsFailureReason', {
  description:
    "Why an SMS failed or was not delivered: one of the 17 causes of Avaamo's SMS Reporting docs, read from the carrier's text (statusResponse), or UNCLASSIFIED when the text names none of them.",
  values: {
    ...Object.fromEntries(SMS_FAILURE_CAUSES.map((cause) => [cause, { value: cause, description: HEADINGS[cause] }])),
    UNCLASSIFIED: { value: 'UNCLASSIFIED', description: 'The carrier gave no reason, or one that names none of the documented causes.' },
  } as Record<Reason, { value: Reason; description: string }>,
});

type FailureWire = Pick<SmsReportEntryWire, 'sms_status' | 'sms_status_response'>;

// Per entry of a cached answer, once: a record's reason, advice and retryable each ask,
// as do the stats and the by-reason scan, and classifying runs up to 17 patterns.
const reasons = new WeakMap<FailureWire, Reason | null>();

/** null unless the record failed or was not delivered. */
export function failureReasonOf(wire: FailureWire): Reason | null {
  let reason = reasons.get(wire);
  if (reason === undefined) {
    reason = wire.sms_status === 'failed' || wire.sms_status === 'undelivered' ? classifySmsFailure(wire.sms_status_response) : null;
    reasons.set(wire, reason);
  }
  return reason;
}

/** What to do about a reason; null for UNCLASSIFIED (statusResponse is all there is). */
export function guidanceOf(reason: Reason | null) {
  return reason === null || reason === 'UNCLASSIFIED' ? null : SMS_FAILURE_GUIDANCE[reason];
}
