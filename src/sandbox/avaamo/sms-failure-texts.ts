import type { SmsStatus } from './types.js';

/**
 * What carriers write in `sms_status_response` for each failure cause of the
 * vendor's SMS Reporting page (vendor-docs/avaamo-sms-reporting-api.md,
 * "Error status", numbered as there). [I] The page names the causes but not
 * the texts; these read like carrier receipts (numbered error codes, a
 * sentence, the number concerned), two wordings each. `{to}` and `{from}` are
 * filled in. `status` is the one a carrier reports for the cause: refused
 * before sending (failed) or accepted and then not delivered (undelivered).
 * `cause` is the sandbox's own record of what it generated, kept beside the
 * wire data (AvaamoAgentData.smsFailureCauses), never sent.
 */
export interface SmsFailureText {
  cause: string;
  status: Extract<SmsStatus, 'failed' | 'undelivered'>;
  texts: readonly string[];
}

export const SMS_FAILURE_TEXTS: readonly SmsFailureText[] = [
  {
    cause: 'RATE_LIMIT_EXCEEDED',
    status: 'failed',
    texts: ['Error 14107: SMS send rate limit exceeded for {to}: 15 replies in less than 30 seconds.', 'Rate limit exceeded: too many messages to {to} in a short period.'],
  },
  {
    cause: 'REGION_NOT_ENABLED',
    status: 'failed',
    texts: [
      "Error 21408: Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.",
      'Unable to create record: sending to the region of {to} is not enabled on this account.',
    ],
  },
  {
    cause: 'UNSUBSCRIBED_RECIPIENT',
    status: 'failed',
    texts: ['Error 21610: Attempt to send to unsubscribed recipient {to}.', 'Message cannot be sent: the recipient {to} has opted out (replied STOP).'],
  },
  {
    cause: 'FROM_NUMBER_QUEUE_FULL',
    status: 'failed',
    texts: ["Error 21611: This 'From' number {from} has exceeded the maximum number of queued messages.", 'Sender {from} has too many queued messages; try again later.'],
  },
  {
    cause: 'INVALID_TO_NUMBER',
    status: 'failed',
    // The first is the vendor's own example record.
    texts: ["Unable to create record: The 'To' number {to} is not a valid phone number.", "Error 21614: 'To' number {to} is not a valid mobile number."],
  },
  {
    cause: 'QUEUE_OVERFLOW',
    status: 'failed',
    texts: ['Error 30001: Queue overflow. The message was queued for more than 4 hours and failed.', 'Message expired: queue overflow after 4 hours in the sending queue.'],
  },
  {
    cause: 'ACCOUNT_SUSPENDED',
    status: 'failed',
    texts: ['Error 30002: Account suspended.', 'Delivery failed: the account was suspended between send and delivery.'],
  },
  {
    cause: 'UNREACHABLE_HANDSET',
    status: 'undelivered',
    texts: ['Error 30003: Unreachable destination handset {to}.', 'Handset {to} is switched off or out of coverage; the message could not be delivered.'],
  },
  {
    cause: 'MESSAGE_BLOCKED',
    status: 'undelivered',
    texts: ['Error 30004: Message blocked. The destination number {to} is blocked from receiving this message.', 'The carrier blocked the message to {to}.'],
  },
  {
    cause: 'UNKNOWN_HANDSET',
    status: 'undelivered',
    texts: ['Error 30005: Unknown destination handset {to}.', 'Message Delivery - Unknown destination handset: {to} may no longer exist.'],
  },
  {
    cause: 'LANDLINE_OR_UNREACHABLE_CARRIER',
    status: 'undelivered',
    texts: ['Error 30006: Landline or unreachable carrier. {to} is unable to receive this message.', 'Destination {to} is a landline; SMS cannot be delivered.'],
  },
  {
    cause: 'MESSAGE_FILTERED',
    status: 'undelivered',
    texts: ['Error 30007: Message filtered. The content was flagged as going against carrier guidelines.', 'The carrier filtered the message as spam.'],
  },
  {
    cause: 'UNKNOWN_DELIVERY_ERROR',
    status: 'undelivered',
    texts: ['Error 30008: Unknown error. Delivery failed for unknown reasons.', 'Message Delivery - Unknown error.'],
  },
  {
    cause: 'CARRIER_CONGESTION',
    status: 'undelivered',
    texts: ['Error 30017: Carrier network congestion.', 'The carrier is experiencing congestion in traffic; delivery to {to} failed.'],
  },
  {
    cause: 'CONTENT_TOO_LARGE',
    status: 'failed',
    texts: ['Error 30019: Content size exceeds carrier limit.', "Message too large: the content exceeded the carrier's size limit."],
  },
  {
    cause: 'INVALID_RECIPIENT',
    status: 'undelivered',
    texts: ['Error 30022: Invalid message recipient {to}.', 'Message recipient {to} could not be verified.'],
  },
  {
    cause: 'SAME_FROM_AND_TO',
    status: 'failed',
    texts: ['Error 21266: Channels message cannot have same From and To ({from}).', "Unable to create record: 'To' and 'From' number cannot be the same: {from}."],
  },
];

/** A carrier text that names none of the documented causes, now and then (the gateway classifies it UNCLASSIFIED). */
export const UNDOCUMENTED_FAILURE: SmsFailureText = {
  cause: 'UNCLASSIFIED',
  status: 'undelivered',
  texts: ['Delivery receipt error 777 from the carrier.'],
};
