import type { VambeContactRecord } from './types.js';

/** Whole seconds since the contact's last inbound message at `now`, as Vambe computes them at request time. [I] never wrote → 0. */
export function waitingSeconds(record: VambeContactRecord, now: number): number {
  return record.lastInboundAt === null ? 0 : Math.max(0, Math.floor((now - record.lastInboundAt) / 1000));
}

/** The by-status route's order (CONTRACTS §5): longest wait first, then [I] by id. */
export function longestWaitingFirst(records: readonly VambeContactRecord[], now: number): VambeContactRecord[] {
  return records
    .map((record) => ({ record, seconds: waitingSeconds(record, now) }))
    .sort((a, b) => b.seconds - a.seconds || compareIds(a.record.contact.id, b.record.contact.id))
    .map(({ record }) => record);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
