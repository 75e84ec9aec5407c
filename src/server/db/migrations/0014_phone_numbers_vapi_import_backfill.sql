-- Numbers provisioned before Vapi ids had their own column: a Vapi number's id is its provider id,
-- and a Twilio number bought until now was never imported into Vapi. The owner is subject to the
-- forced row-level security too, so it is lifted for these updates only (same transaction).
ALTER TABLE "phone_numbers" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "phone_number_directory" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "phone_numbers" SET "vapi_phone_number_id" = "provider_number_id", "vapi_status" = 'connected' WHERE "provider" = 'vapi';--> statement-breakpoint
UPDATE "phone_numbers" SET "vapi_status" = 'not_configured' WHERE "provider" = 'twilio';--> statement-breakpoint
UPDATE "phone_number_directory" SET "vapi_phone_number_id" = "provider_number_id" WHERE "provider" = 'vapi';--> statement-breakpoint
ALTER TABLE "phone_numbers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "phone_number_directory" FORCE ROW LEVEL SECURITY;
