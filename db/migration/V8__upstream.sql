-- Model servers behind Enclave (module inference) answer with tool calls, and API clients
-- send them back: a tool message keeps the id of the call it answers. The id is made up by
-- the model server and holds no content, so it is a plain column; the calls themselves
-- (names and arguments) are sealed in messages.tool_calls like any content.
ALTER TABLE messages ADD COLUMN tool_call_id text;

-- Usage of embeddings beside chat completions, and whether the response cache answered (no
-- model computed it: budgets are not charged, the row keeps what the answer is worth).
ALTER TABLE usage_events ADD COLUMN operation text NOT NULL DEFAULT 'chat'
    CHECK (operation IN ('chat', 'embedding'));
ALTER TABLE usage_events ADD COLUMN cache_hit boolean NOT NULL DEFAULT false;

-- An API key may let its deterministic chat requests be answered from the encrypted
-- response cache (module assistant); off unless the administrator turns it on.
ALTER TABLE api_keys ADD COLUMN response_cache boolean NOT NULL DEFAULT false;
