// Brute-force limits for sign-in and password reset: a fixed number of attempts per window,
// counted per account and per IP. Counters live in Redis when REDIS_URL is set, so every app
// instance shares them; otherwise in this process's memory.
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { TooManyRequests } from "../errors.js";

export const BRUTE_FORCE_ATTEMPTS = 5;
export const BRUTE_FORCE_WINDOW_SECONDS = 15 * 60;

export type BruteForceGuard = {
  /** Refuses with 429 (and Retry-After) when any of the keys has used up its attempts. */
  assertAllowed(keys: string[]): Promise<void>;
  /** Counts one attempt against each key. */
  record(keys: string[]): Promise<void>;
  clear(key: string): Promise<void>;
};

export function createBruteForceGuard(options: { redis?: Redis; keyPrefix?: string }): BruteForceGuard {
  const common = { points: BRUTE_FORCE_ATTEMPTS, duration: BRUTE_FORCE_WINDOW_SECONDS, keyPrefix: options.keyPrefix ?? "bf" };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...common, storeClient: options.redis, useRedisPackage: false })
    : new RateLimiterMemory(common);

  return {
    async assertAllowed(keys) {
      for (const key of keys) {
        const state = await limiter.get(key);
        if (state && state.consumedPoints >= BRUTE_FORCE_ATTEMPTS) {
          const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          throw new TooManyRequests(`Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, retryAfterSeconds);
        }
      }
    },
    async record(keys) {
      await Promise.all(keys.map((key) => limiter.penalty(key, 1)));
    },
    async clear(key) {
      await limiter.delete(key);
    },
  };
}
