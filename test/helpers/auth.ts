// Assertion helpers for the account and auth tests: problem+json shape, row counts, audit rows
// and queued mail, all read as the database owner.
import { expect } from "vitest";
import type { ApiResponse } from "./api.js";
import type { TestPlatform } from "./platform.js";

/** Asserts an RFC 9457 problem+json answer with this status and code; returns its body. */
export function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringContaining("/problems/"), title: expect.any(String), detail: expect.any(String) });
  return res.body as {
    status: number;
    code: string;
    title: string;
    detail: string;
    type: string;
    requestId?: string;
    errors?: { path: string; message: string; code?: string }[];
  };
}

export async function countRows(t: TestPlatform, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await t.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS counted`, values);
  return rows[0]?.n ?? 0;
}

export type AuditRow = {
  action: string;
  actor_user_id: string | null;
  target_id: string | null;
  ip: string | null;
  metadata: Record<string, unknown>;
  organization_id: string | null;
};

export async function auditRows(t: TestPlatform, action: string, where: { actorUserId?: string } = {}): Promise<AuditRow[]> {
  const values: unknown[] = [action];
  let filter = "";
  if (where.actorUserId) {
    values.push(where.actorUserId);
    filter = " AND actor_user_id = $2";
  }
  const { rows } = await t.ownerQuery<AuditRow>(
    `SELECT action, actor_user_id, target_id, ip, metadata, organization_id FROM audit_log WHERE action = $1${filter} ORDER BY created_at, id`,
    values,
  );
  return rows;
}

/** How many mail jobs were ever queued for an address (pending, sent or archived). */
export async function mailJobsTo(t: TestPlatform, to: string): Promise<number> {
  return countRows(
    t,
    "SELECT id FROM pgboss.job WHERE name = 'mail.send' AND lower(data->>'to') = lower($1) UNION ALL SELECT id FROM pgboss.archive WHERE name = 'mail.send' AND lower(data->>'to') = lower($1)",
    [to],
  );
}

/** The state of a user's sessions, oldest first. */
export async function sessionsOf(t: TestPlatform, userId: string) {
  const { rows } = await t.ownerQuery<{ id: string; revoked_at: Date | null; revoked_reason: string | null }>(
    "SELECT id, revoked_at, revoked_reason FROM sessions WHERE user_id = $1 ORDER BY created_at, id",
    [userId],
  );
  return rows;
}
