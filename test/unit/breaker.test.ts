import { describe, expect, it } from 'vitest';
import { createBreakers } from '../../src/http/breaker.js';
import { BudgetSpent, UpstreamError } from '../../src/http/errors.js';
import { manualClock } from '../clock.js';

const settings = { failureRatio: 0.5, windowMs: 10_000, minRequests: 4, openMs: 5_000 };
const serverError = () => new UpstreamError('vambe', 'UPSTREAM_ERROR', '500', { status: 500 });
const notFound = () => new UpstreamError('vambe', 'NOT_FOUND', '404', { status: 404 });
const cutOff = () => new UpstreamError('vambe', 'UPSTREAM_TIMEOUT', 'deadline', { transport: 'deadline' });

function setup() {
  const clock = manualClock();
  const breakers = createBreakers(settings, clock);
  let calls = 0;
  /** One call through Vambe's breaker: what it answered, or the code it failed with. */
  const call = async (outcome: () => unknown) => {
    try {
      return await breakers.run('vambe', async () => {
        calls += 1;
        const value = outcome();
        if (value instanceof Error) throw value;
        return value;
      });
    } catch (error) {
      return (error as UpstreamError).code;
    }
  };
  return { clock, breakers, call, calls: () => calls };
}

describe('the circuit breaker', () => {
  it('opens once the failure share passes the ratio over at least minRequests calls', async () => {
    const { breakers, call, calls } = setup();
    // Three failures: too few calls to judge.
    for (let i = 0; i < 3; i++) expect(await call(serverError)).toBe('UPSTREAM_ERROR');
    expect(breakers.isOpen('vambe')).toBe(false);
    // Four calls, three failed: 75 % > 50 %.
    expect(await call(() => 'ok')).toBe('ok');
    expect(breakers.isOpen('vambe')).toBe(false);
    expect(await call(serverError)).toBe('UPSTREAM_ERROR');
    expect(breakers.isOpen('vambe')).toBe(true);
    expect(await call(() => 'ok')).toBe('UPSTREAM_UNAVAILABLE');
    expect(calls()).toBe(5);
  });

  it('counts neither answers that say nothing about health nor the gateway cutting a call off', async () => {
    const { breakers, call } = setup();
    for (let i = 0; i < 10; i++) expect(await call(notFound)).toBe('NOT_FOUND');
    for (let i = 0; i < 10; i++) expect(await call(cutOff)).toBe('UPSTREAM_TIMEOUT');
    for (let i = 0; i < 10; i++) await call(() => new BudgetSpent('vambe', 'RATE_LIMITED', 'spent'));
    expect(breakers.isOpen('vambe')).toBe(false);
  });

  it('forgets failures older than its window', async () => {
    const { clock, breakers, call } = setup();
    for (let i = 0; i < 3; i++) await call(serverError);
    await clock.advance(settings.windowMs);
    // Had the three old failures counted, this fourth failure would open it.
    expect(await call(serverError)).toBe('UPSTREAM_ERROR');
    expect(breakers.isOpen('vambe')).toBe(false);
  });

  it('refuses with the seconds left until it probes, then lets one probe through', async () => {
    const { clock, breakers, call, calls } = setup();
    for (let i = 0; i < 4; i++) await call(serverError);
    expect(() => breakers.refuseWhileOpen('vambe')).toThrow(expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfter: 5 } }));
    await clock.advance(3_500);
    expect(() => breakers.refuseWhileOpen('vambe')).toThrow(expect.objectContaining({ details: { retryAfter: 2 } }));
    await clock.advance(1_500);
    // Due for a probe: no longer refused up front, though still open until the probe runs.
    expect(() => breakers.refuseWhileOpen('vambe')).not.toThrow();
    expect(breakers.isOpen('vambe')).toBe(true);
    expect(calls()).toBe(4);
    expect(await call(() => 'healed')).toBe('healed');
    expect(breakers.isOpen('vambe')).toBe(false);
    // Closed with a clean window: one failure does not reopen it.
    expect(await call(serverError)).toBe('UPSTREAM_ERROR');
    expect(breakers.isOpen('vambe')).toBe(false);
  });

  it('holds the calls behind a probe until its verdict, then refuses them if it failed', async () => {
    const { clock, call, calls } = setup();
    for (let i = 0; i < 4; i++) await call(serverError);
    await clock.advance(settings.openMs);
    let failProbe!: () => void;
    const probeDone = new Promise<void>((resolve) => (failProbe = resolve));
    const probe = call(() => probeDone.then(() => Promise.reject(serverError())));
    const behind = [call(() => 'ok'), call(() => 'ok')];
    await clock.advance(0);
    expect(calls()).toBe(5);
    failProbe();
    expect(await probe).toBe('UPSTREAM_ERROR');
    expect(await Promise.all(behind)).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    expect(calls()).toBe(5);
  });

  it('closes on a probe the upstream answered, even with a 4xx, and stays open on one the gateway cut off', async () => {
    const { clock, breakers, call } = setup();
    for (let i = 0; i < 4; i++) await call(serverError);
    await clock.advance(settings.openMs);
    expect(await call(cutOff)).toBe('UPSTREAM_TIMEOUT');
    expect(breakers.isOpen('vambe')).toBe(true);
    expect(await call(() => 'ok')).toBe('UPSTREAM_UNAVAILABLE');
    await clock.advance(settings.openMs);
    expect(await call(notFound)).toBe('NOT_FOUND');
    expect(breakers.isOpen('vambe')).toBe(false);
  });

  it('is per upstream', async () => {
    const { breakers, call } = setup();
    for (let i = 0; i < 4; i++) await call(serverError);
    expect(breakers.isOpen('vambe')).toBe(true);
    expect(breakers.isOpen('avaamo')).toBe(false);
    await expect(breakers.run('avaamo', async () => 'fine')).resolves.toBe('fine');
  });
});
