-- Stripe billing: the webhook's event log is a platform table (no tenant column; only the
-- platform role reads and writes it); overage reports are tenant rows under forced RLS.
GRANT SELECT, INSERT, UPDATE ON stripe_events TO switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON stripe_overage_reports TO switchboard_app, switchboard_platform;--> statement-breakpoint
ALTER TABLE "stripe_overage_reports" FORCE ROW LEVEL SECURITY;
