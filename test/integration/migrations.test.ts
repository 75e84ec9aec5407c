// Migrations run at start under an advisory lock: instances starting together do not race,
// and a second run changes nothing.
import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/server/db/migrate.js";

let url: string;
let admin: pg.Client;
const database = `sbtest_migrate_${process.pid}`;
const MIGRATION_COUNT = readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith(".sql")).length;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject("serverUrl") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const parsed = new URL(inject("serverUrl"));
  parsed.pathname = `/${database}`;
  url = parsed.toString();
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describe("migrations", () => {
  it("three instances migrating an empty database at once all succeed and apply each migration once", async () => {
    await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await client.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      expect(applied.rows[0].n).toBe(MIGRATION_COUNT);
      const plans = await client.query("SELECT id FROM plans ORDER BY sort_order");
      expect(plans.rows.map((r) => r.id)).toEqual(["free", "starter", "pro", "enterprise"]);
      const queue = await client.query("SELECT name FROM pgboss.queue WHERE name = 'mail.send'");
      expect(queue.rowCount).toBe(1);
    } finally {
      await client.end();
    }
  });

  it("running again changes nothing and keeps edited plans", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("UPDATE plans SET seats = 7 WHERE id = 'free'");
      await migrateDatabase(url);
      const { rows } = await client.query("SELECT seats FROM plans WHERE id = 'free'");
      expect(rows[0].seats).toBe(7);
      const applied = await client.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      expect(applied.rows[0].n).toBe(MIGRATION_COUNT);
    } finally {
      await client.end();
    }
  });
});
