-- Creating a partition needs the parent table's owner, so the runtime job calls the function with
-- its owner's rights; it takes only a date and builds every identifier itself.
ALTER FUNCTION ensure_call_partitions(date) SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
REVOKE ALL ON FUNCTION ensure_call_partitions(date) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_call_partitions(date) TO switchboard_platform;
