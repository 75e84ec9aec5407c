// Row-level security backs up every tenant query: a query that forgets its organization filter
// still sees only the current tenant, nothing at all without a tenant, and the runtime roles
// neither own tables nor bypass RLS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, organizations } from "../../src/server/db/schema.js";
import { withAccount, withTenant } from "../../src/server/db/transaction.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

/**
 * Platform tables that record an organization but are keyed otherwise: the append-only audit log,
 * the raw vendor events (stored before a tenant is known), and the phone-number directory (keyed
 * by the globally unique number; a reference table on Citus). They still have forced RLS.
 */
const PLATFORM_TABLES_WITH_ORGANIZATION = ["audit_log", "vendor_events", "phone_number_directory"];

let t: TestPlatform;
let a: TestOrgOwner;
let b: TestOrgOwner;

beforeAll(async () => {
  t = await startTestPlatform();
  a = await createOrgWithOwner(t, { organizationName: "Alpha Dental" });
  b = await createOrgWithOwner(t, { organizationName: "Bravo Plumbing" });
});
afterAll(() => t?.stop());

describe("row-level security", () => {
  it("an unfiltered query inside a tenant transaction sees only that tenant's rows", async () => {
    const db = t.platform.ctx.db;
    const seenByA = await withTenant(db, a.organizationId, (tx) => tx.select().from(organizations));
    expect(seenByA.map((o) => o.id)).toEqual([a.organizationId]);
    const membersSeenByB = await withTenant(db, b.organizationId, (tx) => tx.select().from(memberships));
    expect(membersSeenByB.map((m) => m.organizationId)).toEqual([b.organizationId]);
  });

  it("without a tenant, tenant tables show nothing", async () => {
    const rows = await withAccount(t.platform.ctx.db, (tx) => tx.select().from(organizations));
    expect(rows).toEqual([]);
    const viaRawSql = await withAccount(t.platform.ctx.db, (tx) => tx.$client.query("SELECT count(*)::int AS n FROM memberships"));
    expect(viaRawSql.rows[0].n).toBe(0);
  });

  it("a tenant cannot write rows into another tenant", async () => {
    const attempt = withTenant(t.platform.ctx.db, a.organizationId, (tx) =>
      tx.insert(memberships).values({ organizationId: b.organizationId, userId: a.userId, role: "owner" }),
    );
    await expect(attempt).rejects.toThrow();
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1", [b.organizationId]);
    expect(rows[0]?.n).toBe(1);
  });

  it("a tenant cannot update or delete another tenant's rows", async () => {
    const updated = await withTenant(t.platform.ctx.db, a.organizationId, (tx) =>
      tx.$client.query("UPDATE organizations SET name = 'hijacked' WHERE id = $1", [b.organizationId]),
    );
    expect(updated.rowCount).toBe(0);
    const deleted = await withTenant(t.platform.ctx.db, a.organizationId, (tx) =>
      tx.$client.query("DELETE FROM memberships WHERE organization_id = $1", [b.organizationId]),
    );
    expect(deleted.rowCount).toBe(0);
    const { rows } = await t.ownerQuery<{ name: string }>("SELECT name FROM organizations WHERE id = $1", [b.organizationId]);
    expect(rows[0]?.name).toBe("Bravo Plumbing");
  });

  it("the tenant setting does not leak to the next transaction on the same pooled connection", async () => {
    const db = t.platform.ctx.db;
    for (let i = 0; i < 20; i++) {
      await withTenant(db, a.organizationId, (tx) => tx.select().from(organizations));
      const leaked = await withAccount(db, (tx) => tx.select().from(organizations));
      expect(leaked).toEqual([]);
    }
  });

  it("the audit log cannot be changed or deleted, even by the table owner", async () => {
    await expect(t.ownerQuery("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.ownerQuery("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
  });
});

describe("schema catalog", () => {
  it("every table with an organization_id column has RLS enabled and forced, and policies", async () => {
    const { rows } = await t.ownerQuery<{ table_name: string; enabled: boolean; forced: boolean; policies: number }>(`
      SELECT c.relname AS table_name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
             OR c.relname = 'organizations')`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      expect({ table: row.table_name, enabled: row.enabled, forced: row.forced, hasPolicies: row.policies > 0 }).toEqual({
        table: row.table_name,
        enabled: true,
        forced: true,
        hasPolicies: true,
      });
    }
  });

  it("tenant tables keep organization_id in the primary key and in every unique and foreign key", async () => {
    const { rows } = await t.ownerQuery<{ table_name: string; constraint_name: string; type: string; has_org: boolean }>(
      `
      SELECT c.relname AS table_name, con.conname AS constraint_name, con.contype AS type,
             EXISTS (SELECT 1 FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k WHERE a.attname = 'organization_id') AS has_org
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f') AND c.relname <> ALL($1::text[])
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
        AND NOT (con.contype = 'f' AND con.confrelid IN ('users'::regclass, 'plans'::regclass))`,
      [PLATFORM_TABLES_WITH_ORGANIZATION],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.has_org)).toEqual([]);
    const uniqueIndexes = await t.ownerQuery<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename <> ALL($1::text[]) AND indexdef LIKE 'CREATE UNIQUE%'
         AND EXISTS (SELECT 1 FROM information_schema.columns col WHERE col.table_schema = 'public' AND col.table_name = i.tablename AND col.column_name = 'organization_id')`,
      [PLATFORM_TABLES_WITH_ORGANIZATION],
    );
    for (const index of uniqueIndexes.rows) expect(index.indexdef, index.indexname).toContain("organization_id");
  });

  it("partitions of partitioned tenant tables are reachable only through their parent (no grants to the runtime roles)", async () => {
    const { rows } = await t.ownerQuery<{ partition: string; granted: boolean }>(`
      SELECT c.relname AS partition,
             has_table_privilege('switchboard_app', c.oid, 'SELECT') OR has_table_privilege('switchboard_platform', c.oid, 'SELECT') AS granted
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relispartition`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.granted)).toEqual([]);
  });

  it("the runtime roles own no table and cannot bypass RLS", async () => {
    const { rows } = await t.ownerQuery<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean; owned: number }>(`
      SELECT r.rolname, r.rolbypassrls, r.rolsuper,
             (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
      FROM pg_roles r WHERE r.rolname IN ('switchboard_app', 'switchboard_platform') ORDER BY r.rolname`);
    expect(rows).toEqual([
      { rolname: "switchboard_app", rolbypassrls: false, rolsuper: false, owned: 0 },
      { rolname: "switchboard_platform", rolbypassrls: false, rolsuper: false, owned: 0 },
    ]);
    const whoAmI = await withAccount(t.platform.ctx.db, (tx) => tx.$client.query("SELECT current_user AS role"));
    expect(whoAmI.rows[0].role).toBe("switchboard_app");
  });
});

describe("call partitions", () => {
  it("the platform role creates a future month's partitions, and rows of that month land in them", async () => {
    const { withPlatform } = await import("../../src/server/db/transaction.js");
    await withPlatform(t.platform.ctx.db, (tx) => tx.$client.query("SELECT ensure_call_partitions('2031-05-01'::date)"));
    const { rows } = await t.ownerQuery<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relname IN ('calls_2031_05', 'transcript_segments_2031_05') ORDER BY relname",
    );
    expect(rows.map((r) => r.relname)).toEqual(["calls_2031_05", "transcript_segments_2031_05"]);
    await t.ownerQuery(
      "INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id) VALUES ($1, 'call_partition_probe', '2031-05-20T10:00:00Z', 'sandbox', 'probe')",
      [a.organizationId],
    );
    const placed = await t.ownerQuery<{ partition: string }>("SELECT tableoid::regclass::text AS partition FROM calls WHERE id = 'call_partition_probe'");
    expect(placed.rows[0]?.partition).toBe("calls_2031_05");
  });
});
