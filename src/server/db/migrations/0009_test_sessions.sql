CREATE TABLE "test_sessions" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"assistant_id" text NOT NULL,
	"created_by_user_id" text NOT NULL,
	"engine" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"provider_call_id" text NOT NULL,
	"call_id" text,
	"caller_number" text,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"engine_state" jsonb,
	"call_state" jsonb NOT NULL,
	"turn_count" integer DEFAULT 0 NOT NULL,
	"busy_until" timestamp with time zone,
	"last_activity_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "test_sessions_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "test_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "test_sessions_org_status_idx" ON "test_sessions" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "test_sessions_idle_idx" ON "test_sessions" USING btree ("status","last_activity_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "test_sessions" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("test_sessions"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("test_sessions"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "test_sessions" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);