import { describe, expect, it } from 'vitest';
import { SMS_FAILURE_TEXTS, UNDOCUMENTED_FAILURE } from '../../src/sandbox/avaamo/sms-failure-texts.js';
import { SMS_FAILURE_GUIDANCE, classifySmsFailure } from '../../src/upstreams/avaamo/sms-failures.js';

/** The "Error status" headings of the SMS Reporting docs, as published, with the cause each names. */
const DOCUMENTED: readonly (readonly [string, string])[] = [
  ['SMS send rate limit exceeded', 'RATE_LIMIT_EXCEEDED'],
  ["Permission to send an SMS has not been enabled for the region indicated by the 'To' number", 'REGION_NOT_ENABLED'],
  ['Attempt to send to unsubscribed recipient', 'UNSUBSCRIBED_RECIPIENT'],
  ["This 'From' number has exceeded the maximum number of queued messages", 'FROM_NUMBER_QUEUE_FULL'],
  ["'To' number is not a valid mobile number", 'INVALID_TO_NUMBER'],
  ['Queue overflow', 'QUEUE_OVERFLOW'],
  ['Account suspended', 'ACCOUNT_SUSPENDED'],
  ['Unreachable destination handset', 'UNREACHABLE_HANDSET'],
  ['Message blocked', 'MESSAGE_BLOCKED'],
  ['Message Delivery - Unknown destination handset', 'UNKNOWN_HANDSET'],
  ['Landline or unreachable carrier', 'LANDLINE_OR_UNREACHABLE_CARRIER'],
  ['Message filtered', 'MESSAGE_FILTERED'],
  ['Message Delivery - Unknown error', 'UNKNOWN_DELIVERY_ERROR'],
  ['Carrier network congestion', 'CARRIER_CONGESTION'],
  ['Content size exceeds carrier limit', 'CONTENT_TOO_LARGE'],
  ['Invalid message recipient', 'INVALID_RECIPIENT'],
  ['Channels message cannot have same From and To', 'SAME_FROM_AND_TO'],
];

describe('classifying a carrier text into the documented SMS failure causes', () => {
  it.each(DOCUMENTED)('"%s" is %s', (text, cause) => {
    expect(classifySmsFailure(text)).toBe(cause);
    expect(classifySmsFailure(text.toUpperCase())).toBe(cause);
  });

  it('reads the 17 causes as 17 distinct reasons', () => {
    expect(new Set(DOCUMENTED.map(([text]) => classifySmsFailure(text))).size).toBe(17);
  });

  it("classifies the vendor's example record as INVALID_TO_NUMBER", () => {
    expect(classifySmsFailure("Unable to create record: The 'To' number +11234567890 is not a valid phone number.")).toBe('INVALID_TO_NUMBER');
    // Typographic quotes, as text pasted through other systems arrives.
    expect(classifySmsFailure('Unable to create record: The ‘To’ number +11234567890 is not a valid phone number.')).toBe('INVALID_TO_NUMBER');
  });

  it('is UNCLASSIFIED for a text that names no documented cause, or none at all', () => {
    expect(classifySmsFailure('Carrier returned status 0x3F.')).toBe('UNCLASSIFIED');
    expect(classifySmsFailure('')).toBe('UNCLASSIFIED');
    expect(classifySmsFailure(null)).toBe('UNCLASSIFIED');
  });

  it('reads every wording the sandbox sends as the cause the sandbox meant', () => {
    const fill = (text: string) => text.replaceAll('{to}', '+13125550123').replaceAll('{from}', '+14155550100');
    for (const { cause, texts } of [...SMS_FAILURE_TEXTS, UNDOCUMENTED_FAILURE]) {
      for (const text of texts) expect({ text, reason: classifySmsFailure(fill(text)) }).toEqual({ text, reason: cause });
    }
  });

  it('calls the transient causes retryable, and the rest not', () => {
    const retryable = Object.entries(SMS_FAILURE_GUIDANCE)
      .filter(([, guidance]) => guidance.retryable)
      .map(([cause]) => cause)
      .sort();
    expect(retryable).toEqual(['CARRIER_CONGESTION', 'FROM_NUMBER_QUEUE_FULL', 'QUEUE_OVERFLOW', 'RATE_LIMIT_EXCEEDED', 'UNREACHABLE_HANDSET']);
    for (const guidance of Object.values(SMS_FAILURE_GUIDANCE)) expect(guidance.advice.length).toBeGreaterThan(30);
  });
});
