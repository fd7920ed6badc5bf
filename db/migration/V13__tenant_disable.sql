-- A tenant the installation's operators have suspended: its users and API keys are refused on
-- their next request, on every replica; nothing of it is deleted, and enabling it restores access.
ALTER TABLE tenants ADD COLUMN disabled_at timestamptz;
