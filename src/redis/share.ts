/** 0.333… as an operator reads it: 33.3%. */
export const formatShareOf = (share: number) => `${Math.round(share * 1000) / 10}%`;
