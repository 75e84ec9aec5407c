CREATE TABLE "assistants" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"template_slug" text,
	"template_version" integer,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"custom_prompt" text,
	"first_message" text,
	"voice" jsonb NOT NULL,
	"model" jsonb NOT NULL,
	"languages" jsonb DEFAULT '["en"]'::jsonb NOT NULL,
	"business_hours" jsonb NOT NULL,
	"after_hours" jsonb DEFAULT '{"mode":"take_message"}'::jsonb NOT NULL,
	"transfer_directory" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notification_recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enabled_tools" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistants_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "assistants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "knowledge_chunks" (
	"organization_id" text NOT NULL,
	"source_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"assistant_id" text,
	"heading" text,
	"content" text NOT NULL,
	"language" "regconfig" NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector(language, coalesce(heading, '')), 'A') || setweight(to_tsvector(language, content), 'B')) STORED NOT NULL,
	CONSTRAINT "knowledge_chunks_organization_id_source_id_ordinal_pk" PRIMARY KEY("organization_id","source_id","ordinal")
);
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "knowledge_contents" (
	"organization_id" text NOT NULL,
	"source_id" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "knowledge_contents_organization_id_source_id_pk" PRIMARY KEY("organization_id","source_id")
);
--> statement-breakpoint
ALTER TABLE "knowledge_contents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "knowledge_sources" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"assistant_id" text,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"filename" text,
	"mime_type" text,
	"size_bytes" integer NOT NULL,
	"language" "regconfig" DEFAULT 'english'::regconfig NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"failure_reason" text,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "knowledge_sources_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "knowledge_sources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "templates" (
	"slug" text NOT NULL,
	"version" integer NOT NULL,
	"industry" text NOT NULL,
	"name" text NOT NULL,
	"content_hash" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "templates_slug_version_pk" PRIMARY KEY("slug","version")
);
--> statement-breakpoint
ALTER TABLE "assistants" ADD CONSTRAINT "assistants_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_organization_id_source_id_knowledge_sources_organization_id_id_fk" FOREIGN KEY ("organization_id","source_id") REFERENCES "public"."knowledge_sources"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_contents" ADD CONSTRAINT "knowledge_contents_organization_id_source_id_knowledge_sources_organization_id_id_fk" FOREIGN KEY ("organization_id","source_id") REFERENCES "public"."knowledge_sources"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD CONSTRAINT "knowledge_sources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD CONSTRAINT "knowledge_sources_organization_id_assistant_id_assistants_organization_id_id_fk" FOREIGN KEY ("organization_id","assistant_id") REFERENCES "public"."assistants"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assistants_org_created_idx" ON "assistants" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_search_idx" ON "knowledge_chunks" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_org_assistant_idx" ON "knowledge_chunks" USING btree ("organization_id","assistant_id");--> statement-breakpoint
CREATE INDEX "knowledge_sources_org_created_idx" ON "knowledge_sources" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "assistants" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("assistants"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("assistants"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "assistants" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_chunks" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("knowledge_chunks"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("knowledge_chunks"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "knowledge_chunks" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_contents" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("knowledge_contents"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("knowledge_contents"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "knowledge_contents" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_sources" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("knowledge_sources"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("knowledge_sources"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "knowledge_sources" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);