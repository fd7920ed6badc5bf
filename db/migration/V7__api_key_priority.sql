-- An API key's scheduling class: interactive (the default) or batch, whose generations wait
-- behind interactive ones.
ALTER TABLE api_keys ADD COLUMN priority text NOT NULL DEFAULT 'interactive'
    CHECK (priority IN ('interactive', 'batch'));
