import { describe, expect, it } from 'vitest';
import { createAvaamoClient } from '../../src/upstreams/avaamo/client.js';

/** How a traversal's pin (Avaamo's time_token, float epoch seconds) is spelled on each list endpoint. */
const client = createAvaamoClient('http://avaamo.test');
const pin = 1_763_758_748.123456;
const page = { page: 3, perPage: 100 };
const day = 86_400;

describe('pinned Avaamo list requests', () => {
  it('messages: the pin in microseconds as the upper bound, from the beginning when the caller gave no bounds', () => {
    expect(client.messages({ ...page, deviceInfo: false, snapshot: pin }, 't').query).toMatchObject({
      since_timetoken: 0,
      timetoken: 1_763_758_748_123_456,
    });
  });

  it('messages: an earlier `until` of the caller wins, and its 30-day lower bound stays', () => {
    const until = new Date('2025-11-01T00:00:00Z');
    const query = client.messages({ ...page, deviceInfo: false, until, snapshot: pin }, 't').query!;
    expect(query.timetoken).toBe(until.getTime() * 1000);
    expect(query.since_timetoken).toBe((until.getTime() - 30 * day * 1000) * 1000);
  });

  it('SMS report: the pin in seconds as to_timetoken, unrounded', () => {
    expect(client.smsReport({ ...page, agentId: 1, snapshot: pin }, 't').query).toMatchObject({ from_timetoken: 0, to_timetoken: pin });
    const to = new Date((pin + 3600) * 1000);
    expect(client.smsReport({ ...page, agentId: 1, to, snapshot: pin }, 't').query!.to_timetoken).toBe(pin);
  });

  it('unhandled messages: the default 3-day window is spelled out, so it does not slide with the pin', () => {
    expect(client.unhandledMessages({ ...page, agentId: 1, snapshot: pin }, 't').query).toMatchObject({
      from_timetoken: pin - 3 * day,
      to_timetoken: pin,
    });
    const to = new Date((pin + 3600) * 1000);
    expect(client.unhandledMessages({ ...page, agentId: 1, to, snapshot: pin }, 't').query).toMatchObject({
      from_timetoken: Math.ceil(pin + 3600) - 3 * day,
      to_timetoken: pin,
    });
  });

  it('without a pin nothing changes: no bounds are sent the caller did not give', () => {
    const query = client.messages({ ...page, deviceInfo: false }, 't').query!;
    expect(query.since_timetoken).toBeUndefined();
    expect(query.timetoken).toBeUndefined();
    expect(client.unhandledMessages({ ...page, agentId: 1 }, 't').query).toMatchObject({ from_timetoken: undefined, to_timetoken: undefined });
  });
});
