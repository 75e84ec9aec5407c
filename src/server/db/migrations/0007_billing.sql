CREATE TABLE "billing_accounts" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"subscription_status" text,
	"period_anchor_at" timestamp with time zone DEFAULT now() NOT NULL,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"scheduled_plan_id" text,
	"past_due_since" timestamp with time zone,
	"grace_ends_at" timestamp with time zone,
	"billing_name" text,
	"billing_email" text,
	"billing_address" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"organization_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_cents" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	CONSTRAINT "invoice_lines_organization_id_invoice_id_position_pk" PRIMARY KEY("organization_id","invoice_id","position")
);
--> statement-breakpoint
ALTER TABLE "invoice_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoices" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"plan_id" text,
	"currency" text DEFAULT 'usd' NOT NULL,
	"subtotal_cents" integer NOT NULL,
	"tax_cents" integer DEFAULT 0 NOT NULL,
	"total_cents" integer NOT NULL,
	"bill_to" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"stripe_invoice_id" text,
	"hosted_invoice_url" text,
	"invoice_pdf_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_alerts" (
	"organization_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"threshold" integer NOT NULL,
	"used" numeric(14, 2) NOT NULL,
	"limit" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_alerts_organization_id_period_start_metric_threshold_pk" PRIMARY KEY("organization_id","period_start","metric","threshold")
);
--> statement-breakpoint
ALTER TABLE "usage_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"organization_id" text NOT NULL,
	"day" date NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"billable_seconds" integer DEFAULT 0 NOT NULL,
	"billed_seconds" integer DEFAULT 0 NOT NULL,
	"provider_cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_daily_organization_id_day_pk" PRIMARY KEY("organization_id","day")
);
--> statement-breakpoint
ALTER TABLE "usage_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_daily_assistants" (
	"organization_id" text NOT NULL,
	"assistant_id" text NOT NULL,
	"day" date NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"billable_seconds" integer DEFAULT 0 NOT NULL,
	"billed_seconds" integer DEFAULT 0 NOT NULL,
	"provider_cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_daily_assistants_organization_id_assistant_id_day_pk" PRIMARY KEY("organization_id","assistant_id","day")
);
--> statement-breakpoint
ALTER TABLE "usage_daily_assistants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_periods" (
	"organization_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"billable_seconds" integer DEFAULT 0 NOT NULL,
	"billed_seconds" integer DEFAULT 0 NOT NULL,
	"overage_calls" integer DEFAULT 0 NOT NULL,
	"overage_seconds" integer DEFAULT 0 NOT NULL,
	"provider_cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_periods_organization_id_period_start_pk" PRIMARY KEY("organization_id","period_start")
);
--> statement-breakpoint
ALTER TABLE "usage_periods" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_records" (
	"organization_id" text NOT NULL,
	"call_id" text NOT NULL,
	"call_started_at" timestamp with time zone NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"assistant_id" text,
	"plan_id" text NOT NULL,
	"billable_seconds" integer NOT NULL,
	"billed_seconds" integer NOT NULL,
	"overage_calls" integer DEFAULT 0 NOT NULL,
	"overage_seconds" integer DEFAULT 0 NOT NULL,
	"provider_cost_usd" numeric(12, 6) DEFAULT '0' NOT NULL,
	"metered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"overage_reported_at" timestamp with time zone,
	CONSTRAINT "usage_records_organization_id_call_id_pk" PRIMARY KEY("organization_id","call_id")
);
--> statement-breakpoint
ALTER TABLE "usage_records" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "billing_increment_seconds" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "overage_call_cents" integer;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "overage_minute_cents" integer;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "stripe_overage_call_price_id" text;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "stripe_overage_minute_price_id" text;--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_scheduled_plan_id_plans_id_fk" FOREIGN KEY ("scheduled_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_organization_id_invoice_id_invoices_organization_id_id_fk" FOREIGN KEY ("organization_id","invoice_id") REFERENCES "public"."invoices"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_accounts_stripe_customer_idx" ON "billing_accounts" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE INDEX "billing_accounts_period_end_idx" ON "billing_accounts" USING btree ("current_period_end");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_manual_period_key" ON "invoices" USING btree ("organization_id","period_start") WHERE "invoices"."source" = 'manual';--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_stripe_invoice_key" ON "invoices" USING btree ("organization_id","stripe_invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("organization_id","number");--> statement-breakpoint
CREATE INDEX "invoices_org_issued_idx" ON "invoices" USING btree ("organization_id","issued_at","id");--> statement-breakpoint
CREATE INDEX "usage_records_period_idx" ON "usage_records" USING btree ("organization_id","period_start");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "billing_accounts" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("billing_accounts"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("billing_accounts"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "billing_accounts" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_lines" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("invoice_lines"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("invoice_lines"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "invoice_lines" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoices" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("invoices"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("invoices"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "invoices" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_alerts" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("usage_alerts"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("usage_alerts"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "usage_alerts" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_daily" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("usage_daily"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("usage_daily"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "usage_daily" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_daily_assistants" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("usage_daily_assistants"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("usage_daily_assistants"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "usage_daily_assistants" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_periods" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("usage_periods"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("usage_periods"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "usage_periods" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_records" AS PERMISSIVE FOR ALL TO "switchboard_app" USING ("usage_records"."organization_id" = NULLIF(current_setting('app.organization_id', true), '')) WITH CHECK ("usage_records"."organization_id" = NULLIF(current_setting('app.organization_id', true), ''));--> statement-breakpoint
CREATE POLICY "platform_access" ON "usage_records" AS PERMISSIVE FOR ALL TO "switchboard_platform" USING (true) WITH CHECK (true);