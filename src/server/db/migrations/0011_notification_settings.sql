CREATE TABLE "notification_settings" (
	"organization_id" text NOT NULL,
	"email_events" jsonb NOT NULL,
	"email_owners" boolean NOT NULL,
	"email_addresses" jsonb NOT NULL,
	"sms_events" jsonb NOT NULL,
	"sms_numbers" jsonb NOT NULL,
	"quiet_hours" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "notification_settings_organization_id_pk" PRIMARY KEY("organization_id")
);
--> statement-breakpoint
ALTER TABLE "notification_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD CONSTRAINT "notification_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notification_settings" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("notification_settings"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("notification_settings"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "notification_settings" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);