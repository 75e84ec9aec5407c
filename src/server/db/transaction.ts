// The units of work: every database access of a request runs in one of these transactions.
// withTenant sets the tenant for row-level security; the others leave it unset.
import type pg from "pg";
import { type Database, type Db, drizzleOn } from "./client.js";
import { APP_ROLE_NAME, PLATFORM_ROLE_NAME } from "./roles.js";

async function inTransaction<T>(
  pool: pg.Pool,
  role: string,
  tenantId: string | null,
  work: (tx: Db) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    // One round trip: the role and the tenant last exactly as long as the transaction.
    const tenant = tenantId === null ? "" : `SELECT set_config('app.organization_id', ${client.escapeLiteral(tenantId)}, true);`;
    const lock = options.advisoryLock === undefined ? "" : `SELECT pg_advisory_xact_lock(hashtext(${client.escapeLiteral(options.advisoryLock)}));`;
    const commit = options.derived ? "SET LOCAL synchronous_commit = off;" : "";
    await client.query(`BEGIN; SET LOCAL ROLE ${role}; ${commit}${tenant}${lock}`);
    const result = await work(drizzleOn(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

type TransactionOptions = {
  /** Takes this transaction-scoped advisory lock (by hashtext) in the opening round trip, before any statement of `work`. */
  advisoryLock?: string;
  /**
   * Commits without waiting for the WAL flush (synchronous_commit off for this transaction): only
   * for work derived from data already durable, which is redone if a crash loses the transaction.
   */
  derived?: boolean;
};

/** A transaction scoped to one organization: tenant tables show and accept only its rows. */
export function withTenant<T>(db: Database, organizationId: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db.appPool, APP_ROLE_NAME, organizationId, work);
}

/**
 * withTenant that first takes a transaction-scoped advisory lock (pg_advisory_xact_lock(hashtext(lock)))
 * in the same opening round trip, so the work's first statement already sees what the previous holder committed.
 */
export function withTenantLocked<T>(db: Database, organizationId: string, lock: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db.appPool, APP_ROLE_NAME, organizationId, work, { advisoryLock: lock });
}

/**
 * withTenant for work derived from rows already committed durably (applying stored vendor events):
 * its commit does not wait for the WAL flush. A crash may lose the last such transactions whole,
 * never in part, and since they also mark their inputs done, the inputs are simply applied again.
 */
export function withTenantDerived<T>(db: Database, organizationId: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db.appPool, APP_ROLE_NAME, organizationId, work, { derived: true });
}

/** A transaction with no tenant: for account tables (users, sessions); tenant tables show nothing. */
export function withAccount<T>(db: Database, work: (tx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db.appPool, APP_ROLE_NAME, null, work);
}

/** A cross-tenant transaction for platform work: super admin, invitation tokens, a user's memberships. */
export function withPlatform<T>(db: Database, work: (tx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db.platformPool, PLATFORM_ROLE_NAME, null, work);
}

/** Switches an open transaction to another tenant, e.g. right after creating an organization. */
export async function enterTenant(tx: Db, organizationId: string): Promise<void> {
  await tx.$client.query("SELECT set_config('app.organization_id', $1, true)", [organizationId]);
}

/**
 * Runs part of an open transaction as the platform role, then switches back: for a write the app
 * role may not make (the phone number directory) that must commit or roll back with the tenant's
 * change. Both pools log in as the owner, which may take either role.
 */
export async function asPlatformWithin<T>(tx: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  await tx.$client.query(`SET LOCAL ROLE ${PLATFORM_ROLE_NAME}`);
  const result = await work(tx);
  await tx.$client.query(`SET LOCAL ROLE ${APP_ROLE_NAME}`);
  return result;
}
