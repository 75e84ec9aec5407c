-- Forced row-level security and runtime-role grants for assistants, knowledge and templates.
ALTER TABLE "assistants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "knowledge_sources" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "knowledge_contents" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON assistants, knowledge_sources, knowledge_contents, knowledge_chunks TO switchboard_app, switchboard_platform;--> statement-breakpoint
GRANT SELECT ON templates TO switchboard_app;--> statement-breakpoint
GRANT SELECT, INSERT ON templates TO switchboard_platform;
