-- Calls and transcripts are partitioned by month: a function creates a month's partitions, the
-- migration creates the current month and the next three (a daily job keeps three months ahead),
-- and a DEFAULT partition catches anything outside them so an insert never fails.
CREATE FUNCTION ensure_call_partitions(month_start date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  from_month date := date_trunc('month', month_start)::date;
  to_month date := (date_trunc('month', month_start) + interval '1 month')::date;
  suffix text := to_char(from_month, 'YYYY_MM');
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF calls FOR VALUES FROM (%L) TO (%L)', 'calls_' || suffix, from_month, to_month);
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF transcript_segments FOR VALUES FROM (%L) TO (%L)', 'transcript_segments_' || suffix, from_month, to_month);
END;
$$;--> statement-breakpoint
CREATE TABLE calls_default PARTITION OF calls DEFAULT;--> statement-breakpoint
CREATE TABLE transcript_segments_default PARTITION OF transcript_segments DEFAULT;--> statement-breakpoint
SELECT ensure_call_partitions((date_trunc('month', now()) + make_interval(months => m))::date) FROM generate_series(-1, 3) AS m;--> statement-breakpoint

-- No two live appointments of one assistant and provider overlap, even under concurrent calls.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
  organization_id WITH =, assistant_id WITH =, provider WITH =, tstzrange(starts_at, ends_at) WITH &&
) WHERE (status = 'booked');--> statement-breakpoint

ALTER TABLE "phone_numbers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "phone_number_directory" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "provider_credentials" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "calls" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "transcript_segments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_actions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "vendor_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inbox_items" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "appointments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE, DELETE ON phone_numbers, provider_credentials, calls, transcript_segments, call_actions, inbox_items, appointments, contacts TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON phone_number_directory TO switchboard_platform;--> statement-breakpoint
GRANT SELECT ON phone_number_directory TO switchboard_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON vendor_events TO switchboard_platform;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_call_partitions(date) TO switchboard_platform;
