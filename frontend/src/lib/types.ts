/** The JSON shapes of Enclave's API that the console reads (snake_case, as the server sends them). */

export type Role = 'AGENT' | 'APP' | 'ADMIN' | 'AUDITOR';

export interface Me {
  id: string;
  username: string;
  display_name: string | null;
  tenant: { id: string; slug: string; name: string };
  roles: Role[];
  scopes: string[];
  auth_method: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Conversation {
  id: string;
  title: string | null;
  model: string;
  system_prompt: string | null;
  created_at: string;
  updated_at: string;
  retention_until: string | null;
}

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';
export type MessageStatus = 'complete' | 'partial' | 'failed';

export interface StoredToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
}

export interface Message {
  id: string;
  seq: number;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  model?: string | null;
  finish_reason?: string | null;
  latency_ms?: number | null;
  ttft_ms?: number | null;
  created_at: string;
  tool_calls?: StoredToolCall[];
  tool_call_id?: string;
}

export interface ConversationWithMessages extends Conversation {
  messages: Message[];
  next_cursor: string | null;
}

export type ToolCallStatus =
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'unavailable'
  | 'unknown'
  | 'denied'
  | 'invalid'
  | 'awaiting_approval'
  | 'rejected'
  | 'expired';

/** A tool call as the console's event stream sends it (`tool_call` events). */
export interface ToolCallEvent {
  id: string;
  tool_call_id: string;
  name: string;
  arguments: unknown;
  status: ToolCallStatus;
  result: unknown;
  expires_at: string | null;
}

/** A tool call as `GET /api/v1/conversations/{id}/tool-calls` lists it. */
export interface ToolCallRecord {
  id: string;
  tool_call_id: string;
  tool: string;
  mode: string;
  status: ToolCallStatus;
  arguments: unknown;
  result: unknown;
  expires_at: string | null;
  created_at: string;
}

export interface MessageCreatedEvent {
  conversation_id: string;
  user_message: Message | null;
  assistant_message_id: string;
}

export interface DeltaEvent {
  message_id: string;
  text: string;
}

export interface Model {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  description?: string;
  aliases?: string[];
}

export interface AuthConfig {
  local: boolean;
  sso: { issuer: string; client_id: string; scopes: string[] } | null;
}

export interface TokenPair {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}
