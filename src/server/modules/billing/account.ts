// The billing account of an organization and its billing periods. Without a Stripe subscription a
// period is a month anchored at the organization's creation day, 00:00 in its time zone (Jan 31 →
// Feb 28/29 → Mar 31, PostgreSQL's month arithmetic); with one, Stripe's period is stored by the
// Stripe webhook and later periods step by a month from its end (UTC) until Stripe says otherwise.
// The time-zone math runs in PostgreSQL (AT TIME ZONE), the same in the migration's backfill.
import type { Db } from "../../db/client.js";
import type { BillingAddress } from "./schema.js";

export type BillingPeriod = { start: Date; end: Date };

export type BillingAccountRow = {
  organization_id: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  subscription_status: string | null;
  period_anchor_at: Date;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  scheduled_plan_id: string | null;
  past_due_since: Date | null;
  grace_ends_at: Date | null;
  billing_name: string | null;
  billing_email: string | null;
  billing_address: BillingAddress;
};

/**
 * SQL for the monthly period containing `at`, as a LATERAL subquery yielding (start_at, end_at).
 * `anchor` is a local timestamp (timestamp without time zone) in `tz`; months are added to it, so
 * the day of month is kept where it exists and clamped to the month's end where it does not.
 */
function anchoredPeriodSql(anchor: string, tz: string, at: string): string {
  const monthsBetween = `((extract(year FROM ${at} AT TIME ZONE ${tz}) - extract(year FROM ${anchor})) * 12
     + extract(month FROM ${at} AT TIME ZONE ${tz}) - extract(month FROM ${anchor}))::int`;
  return `(
    SELECT (${anchor} + make_interval(months => n)) AT TIME ZONE ${tz} AS start_at,
           (${anchor} + make_interval(months => n + 1)) AT TIME ZONE ${tz} AS end_at
    FROM generate_series(GREATEST(0, ${monthsBetween} - 1), GREATEST(0, ${monthsBetween} + 1)) AS n
    WHERE (${anchor} + make_interval(months => n + 1)) AT TIME ZONE ${tz} > ${at}
    ORDER BY n LIMIT 1
  )`;
}

/**
 * Creates the organization's billing account if it has none: periods anchored at the
 * organization's creation day, the current one containing `now`. Called when an organization is
 * created, and before any read of the account (organizations created before billing existed are
 * backfilled by the migration; this covers any other path). Runs in the organization's tenant.
 */
export async function ensureBillingAccount(tx: Db, organizationId: string, now: Date): Promise<void> {
  await tx.$client.query(
    `INSERT INTO billing_accounts (organization_id, period_anchor_at, current_period_start, current_period_end, created_at, updated_at)
     SELECT o.id, o.created_at, p.start_at, p.end_at, $2, $2
     FROM organizations o
     CROSS JOIN LATERAL ${anchoredPeriodSql("date_trunc('day', o.created_at AT TIME ZONE o.timezone)", "o.timezone", "$2::timestamptz")} AS p
     WHERE o.id = $1
     ON CONFLICT (organization_id) DO NOTHING`,
    [organizationId, now],
  );
}

export type AccountWithPeriod = { account: BillingAccountRow; period: BillingPeriod; timezone: string };

/**
 * The account (created if missing) and the billing period that contains `at`: the stored current
 * period; for an instant before it (a report that arrived after its period closed), the current
 * period too; for an instant after it (the period-close job has not run yet), the period that
 * follows, computed the way the job will store it. `lock` locks the account row: the period-close
 * job takes it FOR UPDATE, metering FOR SHARE, so a report never lands in a period being closed.
 */
export async function accountAndPeriodAt(
  tx: Db,
  organizationId: string,
  at: Date,
  now: Date,
  options: { lock?: "update" | "share" } = {},
): Promise<AccountWithPeriod> {
  const select = () =>
    tx.$client.query<BillingAccountRow & { timezone: string; period_tz: string; anchor: Date; next_start: Date | null; next_end: Date | null }>(
      `WITH a AS (
       SELECT b.*, o.timezone,
              CASE WHEN b.stripe_subscription_id IS NULL THEN o.timezone ELSE 'UTC' END AS period_tz,
              CASE WHEN b.stripe_subscription_id IS NULL THEN date_trunc('day', b.period_anchor_at AT TIME ZONE o.timezone)
                   ELSE b.current_period_end AT TIME ZONE 'UTC' END AS anchor
       FROM billing_accounts b JOIN organizations o ON o.id = b.organization_id
       WHERE b.organization_id = $1
       ${options.lock === "update" ? "FOR UPDATE OF b" : options.lock === "share" ? "FOR SHARE OF b" : ""}
     )
     SELECT a.*, GREATEST(p.start_at, a.current_period_end) AS next_start, p.end_at AS next_end
     FROM a LEFT JOIN LATERAL ${anchoredPeriodSql("a.anchor", "a.period_tz", "$2::timestamptz")} AS p ON $2::timestamptz >= a.current_period_end`,
      [organizationId, at],
    );
  let { rows } = await select();
  if (rows.length === 0) {
    await ensureBillingAccount(tx, organizationId, now);
    ({ rows } = await select());
  }
  const row = rows[0];
  if (!row) throw new Error(`organization ${organizationId} has no billing account`);
  const { timezone, period_tz: _periodTz, anchor: _anchor, next_start, next_end, ...account } = row;
  const period =
    at.getTime() >= account.current_period_end.getTime() && next_start && next_end
      ? { start: next_start, end: next_end }
      : { start: account.current_period_start, end: account.current_period_end };
  return { account, period, timezone };
}
