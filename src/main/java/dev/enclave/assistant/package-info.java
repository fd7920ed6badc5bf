/**
 * Assistant: runs chat turns. It builds the prompt from a conversation's system prompt and
 * history (trimmed to the model's context, whole messages only), streams the answer from
 * the inference module's Spring AI {@code ChatModel} to the client as server-sent events,
 * and hands the outcome (complete, partial on disconnect, failed on engine error) back to
 * the conversation module. It also serves the OpenAI-compatible {@code /v1/chat/completions}
 * API, stateless unless a request asks to be stored. Every generation reserves its tokens
 * with the ratelimit module before it starts and settles the true count when it ends.
 */
@ApplicationModule(displayName = "Assistant",
		allowedDependencies = { "gateway", "identity", "conversation", "inference", "ratelimit", "shared" })
@NullMarked
package dev.enclave.assistant;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
