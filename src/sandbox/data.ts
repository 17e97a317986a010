import { generateAvaamoAgents } from './avaamo/data.js';
import type { AvaamoDataset } from './avaamo/types.js';
import { generateRocketChat } from './rocketchat/data.js';
import type { RocketChatDataset } from './rocketchat/types.js';
import { createRng } from './rng.js';
import { generateVambe, type VambeDataOptions } from './vambe/data.js';
import type { VambeDataset } from './vambe/types.js';

export type * from './avaamo/types.js';
export type * from './rocketchat/types.js';
export type * from './vambe/types.js';

/** The whole sandbox dataset, each vendor's part in its wire form. */
export interface SandboxDataset {
  seed: number;
  /** Epoch ms the data is anchored at: Avaamo's generated timestamps lie in the 120 days before it, the others in the 30. */
  now: number;
  avaamo: AvaamoDataset;
  vambe: VambeDataset;
  rocketchat: RocketChatDataset;
}

/**
 * Generates the whole sandbox dataset. Same seed and same `now` give an identical
 * dataset; each vendor draws from its own stream, so growing one vendor's data
 * leaves the others unchanged.
 */
export function generateDataset(seed: number, now: number, vambe: VambeDataOptions = {}): SandboxDataset {
  return {
    seed,
    now,
    avaamo: { agents: generateAvaamoAgents(createRng(streamSeed(seed, 1)), now) },
    vambe: generateVambe(createRng(streamSeed(seed, 2)), now, vambe),
    rocketchat: generateRocketChat(createRng(streamSeed(seed, 3)), now),
  };
}

/** The seed of one vendor's (or one feature's) own stream: growing one leaves the others unchanged. */
export function streamSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream, 0x85ebca6b)) >>> 0;
}
