import { describe, expect, it } from 'vitest';
import { checkListSpan } from '../../src/schema/time-range.js';

const refusal = (from: string, to: string | undefined, now: string) => {
  try {
    checkListSpan(new Date(from), to === undefined ? undefined : new Date(to), 'from', 'to', new Date(now));
    return null;
  } catch (error) {
    return (error as { extensions?: Record<string, unknown> }).extensions ?? error;
  }
};

describe('checkListSpan', () => {
  it('takes "a calendar year back" from hours ago across a leap day (366 days and some hours)', () => {
    expect(refusal('2024-02-28T09:00:00Z', undefined, '2025-02-28T12:00:00Z')).toBeNull();
    expect(refusal('2024-02-28T09:00:00Z', '2025-02-28T12:00:00Z', '2030-01-01T00:00:00Z')).toBeNull();
  });

  it('refuses a range more than a day past 366 days, with or without `to`', () => {
    expect(refusal('2024-02-26T09:00:00Z', undefined, '2025-02-28T12:00:00Z')).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' });
    expect(refusal('2024-02-26T09:00:00Z', '2025-02-28T12:00:00Z', '2030-01-01T00:00:00Z')).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' });
  });

  it('measures an open range against the `now` it is given (a traversal pin), not the wall clock', () => {
    expect(refusal('2020-01-01T00:00:00Z', undefined, '2020-12-31T00:00:00Z')).toBeNull();
    expect(refusal('2020-01-01T00:00:00Z', undefined, '2021-01-03T00:00:00Z')).toMatchObject({ reason: 'RANGE_TOO_LONG' });
  });
});
