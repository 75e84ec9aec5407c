// When the database cannot serve a request in time, callers get 503 problem+json with
// Retry-After (so a vendor retries its webhook), never a 500 and never a request hanging forever.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let owner: TestOrgOwner;

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t);
});
afterAll(() => t?.stop());

describe("database unavailable", () => {
  it("a request that cannot get a database connection answers 503 with Retry-After, then works again", async () => {
    const pool = t.platform.ctx.db.appPool;
    const held: pg.PoolClient[] = [];
    while (held.length < pool.options.max) held.push(await pool.connect());
    try {
      const res = await t.api.get("/api/v1/me", { token: owner.accessToken });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("SERVICE_UNAVAILABLE");
      expect(res.headers.get("retry-after")).toBe("5");
    } finally {
      for (const client of held) client.release();
    }
    const again = await t.api.get("/api/v1/me", { token: owner.accessToken });
    expect(again.status).toBe(200);
  }, 20_000);
});
