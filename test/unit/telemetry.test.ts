import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { createOperationNameLabel, operationNamesOf } from '../../src/telemetry/operation-metrics.js';
import { requestIdFrom } from '../../src/telemetry/request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('keeps an id of at most 128 letters, digits, dots, underscores and dashes', () => {
    expect(requestIdFrom('dashboard-7.retry_2')).toBe('dashboard-7.retry_2');
    expect(requestIdFrom('a'.repeat(128))).toBe('a'.repeat(128));
    expect(requestIdFrom(['first-one', 'second'])).toBe('first-one');
  });

  it('replaces anything else, and makes one when none was sent', () => {
    for (const sent of ['a'.repeat(129), 'has space', 'new\nline', 'quote"', '', 'ünïcode', undefined]) {
      expect(requestIdFrom(sent)).toMatch(UUID);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('createOperationNameLabel', () => {
  it('labels the allow-list\'s operations by name, and any other name `other`, however many are sent first', () => {
    const known = operationNamesOf(['query Dashboard { agents { totalCount } }', 'query Queue($n: Int) { a } mutation Post { b }', '{ anonymous }', 'not a document']);
    expect([...known].sort()).toEqual(['Dashboard', 'Post', 'Queue']);
    const label = createOperationNameLabel(known);
    // A caller sending 500 names of its own first takes nothing from the real operations.
    for (let index = 0; index < 500; index++) expect(label(`Junk${index}`)).toBe('other');
    expect([label('Dashboard'), label('Queue'), label('Post'), label(undefined), label('x'.repeat(65))]).toEqual(['Dashboard', 'Queue', 'Post', 'anonymous', 'other']);
  });
});

describe('createLogger', () => {
  it('writes JSON lines with an ISO time and the level by name, every configured secret scrubbed, as written in JSON too', () => {
    const lines: string[] = [];
    const logger = createLogger('info', ['token-1234567', 'quo"te-secret'], { write: (line) => lines.push(line) });
    logger.info({ header: 'access-token: token-1234567', other: 'quo"te-secret' }, 'sent token-1234567');
    logger.debug('not at info');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', header: 'access-token: [redacted]', other: '[redacted]', msg: 'sent [redacted]' });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });
});
