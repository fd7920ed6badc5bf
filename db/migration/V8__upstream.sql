-- Model servers behind Enclave (module inference) answer with tool calls, and API clients
-- send them back: a tool message keeps the id of the call it answers. The id is made up by
-- the model server and holds no content, so it is a plain column; the calls themselves
-- (names and arguments) are sealed in messages.tool_calls like any content.
ALTER TABLE messages ADD COLUMN tool_call_id text;
