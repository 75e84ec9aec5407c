-- Notification settings: runtime-role grants and forced RLS, like every tenant table.
ALTER TABLE "notification_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_settings TO switchboard_app, switchboard_platform;
