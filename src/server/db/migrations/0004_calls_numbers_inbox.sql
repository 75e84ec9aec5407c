CREATE TABLE "call_actions" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"call_id" text NOT NULL,
	"provider_tool_call_id" text NOT NULL,
	"tool" text NOT NULL,
	"arguments" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"result" text NOT NULL,
	"inbox_item_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_actions_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "call_actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "calls" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"provider_call_id" text NOT NULL,
	"phone_number_id" text,
	"assistant_id" text,
	"caller_number" text,
	"contact_id" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"fallback" text,
	"ended_reason" text,
	"ended_at" timestamp with time zone,
	"duration_seconds" integer,
	"summary" text,
	"structured_data" jsonb,
	"success_evaluation" text,
	"recording_url" text,
	"cost_usd" numeric(12, 6),
	"cost_breakdown" jsonb,
	"transcript" text,
	"is_test" boolean DEFAULT false NOT NULL,
	"report_received_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calls_organization_id_id_started_at_pk" PRIMARY KEY("organization_id","id","started_at")
) PARTITION BY RANGE ("started_at");
--> statement-breakpoint
ALTER TABLE "calls" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "transcript_segments" (
	"organization_id" text NOT NULL,
	"call_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"seq" integer NOT NULL,
	"speaker" text NOT NULL,
	"text" text NOT NULL,
	"start_offset_ms" integer,
	"end_offset_ms" integer,
	CONSTRAINT "transcript_segments_organization_id_call_id_started_at_seq_pk" PRIMARY KEY("organization_id","call_id","started_at","seq")
) PARTITION BY RANGE ("started_at");
--> statement-breakpoint
ALTER TABLE "transcript_segments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "vendor_events" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"type" text NOT NULL,
	"provider_call_id" text,
	"organization_id" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "vendor_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "appointments" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"assistant_id" text NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"service" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"caller_name" text,
	"caller_number" text,
	"notes" text,
	"call_id" text,
	"inbox_item_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointments_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "appointments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "contacts" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"phone" text NOT NULL,
	"name" text,
	"notes" text,
	"call_count" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inbox_items" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"title" text NOT NULL,
	"details" jsonb NOT NULL,
	"call_id" text,
	"assistant_id" text,
	"contact_id" text,
	"caller_name" text,
	"caller_number" text,
	"assignee_user_id" text,
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_items_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "inbox_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "phone_number_directory" (
	"number" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"provider_number_id" text,
	"organization_id" text NOT NULL,
	"phone_number_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_number_directory" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "phone_numbers" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"provider" text NOT NULL,
	"provider_number_id" text,
	"credentials_id" text,
	"label" text,
	"status" text DEFAULT 'active' NOT NULL,
	"routing" jsonb DEFAULT '{"openAssistantId":null,"afterHours":{"mode":"same_assistant"}}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "phone_numbers_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "provider_credentials" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"provider" text NOT NULL,
	"account_id" text NOT NULL,
	"secret_encrypted" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_credentials_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "provider_credentials" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "phone_number_directory" ADD CONSTRAINT "phone_number_directory_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_credentials" ADD CONSTRAINT "provider_credentials_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "call_actions_tool_call_key" ON "call_actions" USING btree ("organization_id","provider_tool_call_id");--> statement-breakpoint
CREATE INDEX "call_actions_call_idx" ON "call_actions" USING btree ("organization_id","call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calls_provider_call_key" ON "calls" USING btree ("organization_id","provider_call_id","started_at");--> statement-breakpoint
CREATE INDEX "calls_org_started_idx" ON "calls" USING btree ("organization_id","started_at");--> statement-breakpoint
CREATE INDEX "calls_transcript_search_idx" ON "calls" USING gin (to_tsvector('english', coalesce("transcript", '') || ' ' || coalesce("summary", '')));--> statement-breakpoint
CREATE UNIQUE INDEX "vendor_events_idempotency_key" ON "vendor_events" USING btree ("provider","idempotency_key");--> statement-breakpoint
CREATE INDEX "vendor_events_call_idx" ON "vendor_events" USING btree ("provider_call_id");--> statement-breakpoint
CREATE INDEX "appointments_org_starts_idx" ON "appointments" USING btree ("organization_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_org_phone_key" ON "contacts" USING btree ("organization_id","phone");--> statement-breakpoint
CREATE INDEX "inbox_items_org_status_created_idx" ON "inbox_items" USING btree ("organization_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "phone_number_directory_provider_id_key" ON "phone_number_directory" USING btree ("provider","provider_number_id") WHERE "phone_number_directory"."provider_number_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "phone_numbers_org_created_idx" ON "phone_numbers" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "call_actions" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("call_actions"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("call_actions"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "call_actions" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "calls" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("calls"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("calls"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "calls" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "transcript_segments" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("transcript_segments"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("transcript_segments"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "transcript_segments" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "vendor_events" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("vendor_events"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("vendor_events"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "vendor_events" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "appointments" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("appointments"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("appointments"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "appointments" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "contacts" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("contacts"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("contacts"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "contacts" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inbox_items" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("inbox_items"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("inbox_items"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "inbox_items" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "phone_number_directory" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("phone_number_directory"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("phone_number_directory"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "phone_number_directory" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "phone_numbers" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("phone_numbers"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("phone_numbers"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "phone_numbers" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "provider_credentials" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("provider_credentials"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("provider_credentials"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "provider_credentials" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);