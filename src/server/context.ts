// The dependencies every service receives, built once by main.ts (and by tests with their own
// database, clock, mail transport and limits). Nothing here is a module-level singleton.
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { BruteForceGuard } from "./http/brute-force.js";
import type { Jobs } from "./jobs/queue.js";
import type { CallEventHub } from "./modules/calls/live.js";

export type Clock = { now: () => Date };

export const systemClock: Clock = { now: () => new Date() };

export type AppContext = {
  config: Config;
  db: Database;
  jobs: Jobs;
  clock: Clock;
  logger: Logger;
  bruteForce: BruteForceGuard;
  /** Derived from APP_SECRET: signs access tokens. */
  accessTokenKey: Uint8Array;
  /** ENCRYPTION_KEY, or derived from APP_SECRET: encrypts secrets stored in the database (AES-256-GCM). */
  secretsKey: Uint8Array;
  /** Live call events of this instance (one LISTEN connection), for the SSE streams. */
  callEvents: CallEventHub;
};
