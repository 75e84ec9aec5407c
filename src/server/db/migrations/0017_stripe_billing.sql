CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"subscription_id" text,
	"customer_id" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "stripe_overage_reports" (
	"organization_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"overage_calls" integer,
	"overage_minutes" integer,
	"reported_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_overage_reports_organization_id_period_start_pk" PRIMARY KEY("organization_id","period_start")
);
--> statement-breakpoint
ALTER TABLE "stripe_overage_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "stripe_events_subscription_idx" ON "stripe_events" USING btree ("subscription_id","stripe_created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "stripe_overage_reports" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("stripe_overage_reports"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("stripe_overage_reports"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "stripe_overage_reports" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);