-- Row-level security is FORCED on every tenant table, so even a table owner's session obeys it;
-- the runtime roles get only the privileges they use; the audit log is append-only.
ALTER TABLE "organizations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "memberships" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT USAGE ON SCHEMA public TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON users, sessions, refresh_tokens, one_time_tokens, dev_mailbox TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON organizations TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, invitations TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT ON plans TO switchboard_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON plans TO switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT ON audit_log TO switchboard_app, switchboard_platform;--> statement-breakpoint

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();--> statement-breakpoint

-- The default plans (PRODUCT.md §3). NULL limits are unlimited; Enterprise's price is custom.
INSERT INTO plans (id, name, price_cents, calls_per_month, minutes_per_month, concurrent_calls, assistants, phone_numbers, seats, features, sort_order) VALUES
  ('free', 'Free', 0, 50, 100, 1, 1, 1, 2, '["basic_analytics"]', 0),
  ('starter', 'Starter', 2900, 500, 1000, 3, 3, 2, 5, '["basic_analytics","advanced_analytics","api_access"]', 1),
  ('pro', 'Pro', 9900, 2000, 4000, 10, 10, 5, 15, '["basic_analytics","advanced_analytics","api_access","webhooks","custom_voices","recordings_export"]', 2),
  ('enterprise', 'Enterprise', NULL, NULL, NULL, 25, NULL, NULL, NULL, '["basic_analytics","advanced_analytics","api_access","webhooks","custom_voices","recordings_export","sla","custom_integrations"]', 3)
ON CONFLICT (id) DO NOTHING;
