-- Call ingestion claims and marks an organization's pending vendor events inside that
-- organization's tenant transaction: the app role may read them and set processed_at/error,
-- under the existing tenant_isolation policy (vendor_events has ENABLE + FORCE RLS).
GRANT SELECT, UPDATE (processed_at, error) ON vendor_events TO switchboard_app;
