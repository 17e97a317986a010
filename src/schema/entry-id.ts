import { badUserInput } from './errors.js';

/**
 * Avaamo has no get-by-id endpoints, so the local part of an entry's global
 * id carries what a refetch needs: the agent, the entry's uuid and its
 * creation time (epoch seconds as Avaamo sent them), which becomes a narrow
 * time window on the list endpoint.
 */
export interface EntryKey {
  agentId: number;
  uuid: string;
  createdAt: number;
}

export function formatEntryKey({ agentId, uuid, createdAt }: EntryKey): string {
  return `${agentId}:${uuid}:${createdAt}`;
}

export function parseEntryKey(id: string, typename: string): EntryKey {
  const [agent, uuid, created, ...rest] = id.split(':');
  const agentId = Number(agent);
  const createdAt = Number(created);
  if (rest.length > 0 || !uuid || !Number.isSafeInteger(agentId) || agentId <= 0 || !Number.isFinite(createdAt)) {
    throw badUserInput(`invalid ${typename} id`);
  }
  return { agentId, uuid, createdAt };
}

/** The refetch window around an entry: a second either side absorbs rounding to whole seconds. */
export function windowAround(createdAt: number): { from: Date; to: Date } {
  return { from: new Date((createdAt - 1) * 1000), to: new Date((createdAt + 1) * 1000) };
}
