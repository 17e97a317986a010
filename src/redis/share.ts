/** 0.333… as an operator reads it: 33.3%. */
export const formatShareOf = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** A per-caller rate limit kept to one replica's share, at least 1 a minute (a limit of 0, none, is for the caller to skip). */
export const shareOfRate = (perMinute: number, share: number) => Math.max(1, Math.ceil(perMinute * share));
