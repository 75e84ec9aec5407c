// Brute-force limits for sign-in, password reset and password re-checks: a fixed number of
// attempts per window, counted per account and per IP. Counters live in Redis when REDIS_URL is set, so every app
// instance shares them; otherwise in this process's memory.
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { TooManyRequests } from "../errors.js";

export const BRUTE_FORCE_ATTEMPTS = 5;
export const BRUTE_FORCE_WINDOW_SECONDS = 15 * 60;

export type BruteForceGuard = {
  /**
   * Counts one attempt against each key, atomically, before the attempt runs; refuses with 429
   * (and Retry-After, counting nothing) when any key has used up its attempts. Checking first and
   * counting afterwards would let a burst of concurrent attempts all pass the check.
   */
  consume(keys: string[]): Promise<void>;
  /** Gives back an attempt that consume() counted, e.g. for a sign-in that succeeded. */
  refund(keys: string[]): Promise<void>;
  clear(key: string): Promise<void>;
};

function tooManyAttempts(msBeforeNext: number) {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new TooManyRequests(`Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, retryAfterSeconds);
}

export function createBruteForceGuard(options: { redis?: Redis; keyPrefix?: string }): BruteForceGuard {
  const common = { points: BRUTE_FORCE_ATTEMPTS, duration: BRUTE_FORCE_WINDOW_SECONDS, keyPrefix: options.keyPrefix ?? "bf" };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...common, storeClient: options.redis, useRedisPackage: false })
    : new RateLimiterMemory(common);

  return {
    async consume(keys) {
      const counted = await Promise.all(keys.map((key) => limiter.penalty(key, 1)));
      const over = counted.filter((state) => state.consumedPoints > BRUTE_FORCE_ATTEMPTS);
      if (over.length > 0) {
        await Promise.all(keys.map((key) => limiter.reward(key, 1)));
        throw tooManyAttempts(Math.max(...over.map((state) => state.msBeforeNext)));
      }
    },
    async refund(keys) {
      await Promise.all(keys.map((key) => limiter.reward(key, 1)));
    },
    async clear(key) {
      await limiter.delete(key);
    },
  };
}
