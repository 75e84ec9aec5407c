// Connection pools. Both connect with the owner's URL; every unit of work switches to a runtime
// role first (see transaction.ts), so nothing at request time owns a table or bypasses RLS.
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { PLATFORM_ROLE_NAME } from "./roles.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema> & { $client: pg.Pool | pg.PoolClient };

export type Database = {
  /** Runs as switchboard_app: tenant tables show only the tenant set by withTenant(). */
  appPool: pg.Pool;
  /** Runs as switchboard_platform: for the few cross-tenant lookups listed in platform queries. */
  platformPool: pg.Pool;
  close: () => Promise<void>;
};

const POOL_CHECKOUT_TIMEOUT_MS = 5_000;
/**
 * Sized for the live-call path on a small machine: every Vapi message is stored by one statement on
 * the platform pool, and tenant transactions (tools, assistant-requests, ingestion) share the app
 * pool. More connections than this only queue inside PostgreSQL on a 2-core host.
 */
export const APP_POOL_SIZE = 16;
export const PLATFORM_POOL_SIZE = 8;

// Dates are returned as Date objects; BIGINT counts as numbers (they stay far below 2^53).
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export function connectDatabase(ownerUrl: string, options: { appPoolSize?: number; onIdleError?: (error: Error) => void } = {}): Database {
  // A request that cannot get a connection in time fails (503) rather than queueing forever.
  const common = { connectionString: ownerUrl, idleTimeoutMillis: 30_000, connectionTimeoutMillis: POOL_CHECKOUT_TIMEOUT_MS };
  const appPool = new pg.Pool({ ...common, max: options.appPoolSize ?? APP_POOL_SIZE });
  // Platform connections start as switchboard_platform (never as the owner), so a single statement
  // outside withPlatform, such as storing a vendor event, is one round trip and still obeys the role.
  const platformPool = new pg.Pool({ ...common, max: PLATFORM_POOL_SIZE, options: `-c role=${PLATFORM_ROLE_NAME}` });
  // An idle connection that the server closes (restart, failover, pg_terminate_backend) is emitted
  // as a pool 'error'; unhandled, it would crash the process. The pool drops it and reconnects.
  for (const pool of [appPool, platformPool]) pool.on("error", (error) => options.onIdleError?.(error));
  return {
    appPool,
    platformPool,
    close: async () => {
      await Promise.all([appPool.end(), platformPool.end()]);
    },
  };
}

// Building a drizzle instance walks the whole schema's relations (about a millisecond of CPU), so
// each pooled connection keeps the one it was given: a unit of work only borrows it.
const drizzleByClient = new WeakMap<pg.PoolClient | pg.Pool, Db>();

export function drizzleOn(client: pg.PoolClient | pg.Pool): Db {
  let db = drizzleByClient.get(client);
  if (!db) {
    db = drizzle(client, { schema }) as Db;
    drizzleByClient.set(client, db);
  }
  return db;
}
