-- Baseline of Enclave's schema. Each module adds its tables in later migrations;
-- migrations that have landed never change.
COMMENT ON SCHEMA public IS 'Enclave';
