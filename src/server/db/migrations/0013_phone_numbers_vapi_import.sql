ALTER TABLE "phone_number_directory" ADD COLUMN "vapi_phone_number_id" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "vapi_phone_number_id" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "vapi_status" text DEFAULT 'not_applicable' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "phone_number_directory_vapi_id_key" ON "phone_number_directory" USING btree ("vapi_phone_number_id") WHERE "phone_number_directory"."vapi_phone_number_id" IS NOT NULL;