-- Test sessions of the console: runtime-role grants and forced RLS, like every tenant table.
ALTER TABLE "test_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON test_sessions TO switchboard_app, switchboard_platform;
