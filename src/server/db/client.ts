// Connection pools. Both connect with the owner's URL; every unit of work switches to a runtime
// role first (see transaction.ts), so nothing at request time owns a table or bypasses RLS.
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
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

// Dates are returned as Date objects; BIGINT counts as numbers (they stay far below 2^53).
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export function connectDatabase(ownerUrl: string, options: { appPoolSize?: number; onIdleError?: (error: Error) => void } = {}): Database {
  // A request that cannot get a connection in time fails (503) rather than queueing forever.
  const common = { connectionString: ownerUrl, idleTimeoutMillis: 30_000, connectionTimeoutMillis: POOL_CHECKOUT_TIMEOUT_MS };
  const appPool = new pg.Pool({ ...common, max: options.appPoolSize ?? 10 });
  const platformPool = new pg.Pool({ ...common, max: 4 });
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

export function drizzleOn(client: pg.PoolClient | pg.Pool): Db {
  return drizzle(client, { schema }) as Db;
}
