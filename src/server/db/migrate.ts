// Brings a database to the current schema: the runtime roles, the committed SQL migrations and the
// job queue's tables, all under one advisory lock so instances starting together cannot race.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { installJobQueueSchema } from "../jobs/queue.js";
import { APP_ROLE_NAME, PLATFORM_ROLE_NAME } from "./roles.js";

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const MIGRATION_LOCK_KEY = 727_274_001; // any constant shared by every instance

export async function migrateDatabase(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await ensureRuntimeRoles(client);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await installJobQueueSchema(ownerUrl);
    await grantJobQueueAccess(client);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/** Roles are cluster-wide, so they are created here (idempotently) rather than per database. */
async function ensureRuntimeRoles(client: pg.Client) {
  for (const role of [APP_ROLE_NAME, PLATFORM_ROLE_NAME]) {
    await client.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object THEN NULL;
      END $$;`);
    // The migrating user switches to the runtime roles, so it must be a member of them.
    await client.query(`
      DO $$ BEGIN
        IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
          EXECUTE format('GRANT ${role} TO %I', current_user);
        END IF;
      END $$;`);
  }
}

/** Work with outside effects is enqueued inside tenant transactions, so the app role may add jobs. */
async function grantJobQueueAccess(client: pg.Client) {
  await client.query(`GRANT USAGE ON SCHEMA pgboss TO ${APP_ROLE_NAME}, ${PLATFORM_ROLE_NAME}`);
  await client.query(`GRANT SELECT ON pgboss.queue TO ${APP_ROLE_NAME}, ${PLATFORM_ROLE_NAME}`);
  await client.query(`GRANT SELECT, INSERT ON pgboss.job TO ${APP_ROLE_NAME}, ${PLATFORM_ROLE_NAME}`);
}
