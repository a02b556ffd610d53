// The seed field of sampling figures: one range, one rule for typed seeds, one message.
export const SEED_MAX = 99999;

/** A typed seed: the new seed, or the current one kept with a message to show. */
export function parseSeed(text: string, current: number): { seed: number; error: string } {
  const s = text.trim();
  if (!/^\d+$/.test(s) || Number(s) > SEED_MAX) return { seed: current, error: `The seed must be a whole number from 0 to ${SEED_MAX}; keeping ${current}.` };
  return { seed: Number(s), error: '' };
}

export const randomSeed = () => Math.floor(Math.random() * (SEED_MAX + 1));
