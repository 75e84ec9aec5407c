-- Billing: runtime-role grants, the platform-wide invoice number sequence, overage prices of the
-- default paid plans, a billing account for every existing organization, then forced RLS.
GRANT SELECT, INSERT, UPDATE, DELETE ON billing_accounts, usage_periods, usage_daily, usage_daily_assistants, usage_alerts, invoices, invoice_lines TO switchboard_app, switchboard_platform;--> statement-breakpoint
-- The ledger is never deleted from: a deleted row would let its call be metered again.
GRANT SELECT, INSERT, UPDATE ON usage_records TO switchboard_app, switchboard_platform;--> statement-breakpoint

CREATE SEQUENCE invoice_number_seq START WITH 1001;--> statement-breakpoint
GRANT USAGE ON SEQUENCE invoice_number_seq TO switchboard_app, switchboard_platform;--> statement-breakpoint

UPDATE plans SET overage_call_cents = 10, overage_minute_cents = 6 WHERE id = 'starter' AND overage_call_cents IS NULL AND overage_minute_cents IS NULL;--> statement-breakpoint
UPDATE plans SET overage_call_cents = 8, overage_minute_cents = 5 WHERE id = 'pro' AND overage_call_cents IS NULL AND overage_minute_cents IS NULL;--> statement-breakpoint

-- Existing organizations get monthly periods anchored at their creation day (00:00 in their time
-- zone): the period that contains now. Runs as the platform role, which the forced policies of
-- organizations let read every tenant (the migrating role is a member of it).
SET LOCAL ROLE switchboard_platform;--> statement-breakpoint
INSERT INTO billing_accounts (organization_id, period_anchor_at, current_period_start, current_period_end)
SELECT o.id, o.created_at, p.start_at, p.end_at
FROM organizations o
CROSS JOIN LATERAL (
  SELECT ((anchor.day + make_interval(months => n))::timestamp AT TIME ZONE o.timezone) AS start_at,
         ((anchor.day + make_interval(months => n + 1))::timestamp AT TIME ZONE o.timezone) AS end_at
  FROM (SELECT (o.created_at AT TIME ZONE o.timezone)::date AS day) AS anchor, generate_series(0, 2400) AS n
  WHERE ((anchor.day + make_interval(months => n + 1))::timestamp AT TIME ZONE o.timezone) > now()
  ORDER BY n
  LIMIT 1
) AS p
ON CONFLICT (organization_id) DO NOTHING;--> statement-breakpoint
RESET ROLE;--> statement-breakpoint

ALTER TABLE "billing_accounts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_records" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_periods" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_daily" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_daily_assistants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_alerts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_lines" FORCE ROW LEVEL SECURITY;
