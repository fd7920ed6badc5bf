/**
 * Assistant: runs chat turns, through one pipeline for both entry points, the console's
 * {@code POST /api/v1/conversations/{id}/messages} and the OpenAI-compatible
 * {@code /v1/chat/completions}. The pipeline renders and counts the prompt once (with the
 * inference module's renderer), reserves the caller's token budgets before anything is
 * stored, streams the answer from the Spring AI {@code ChatModel}, and settles every turn
 * exactly once however it ends (finished, cancelled by the client, failed): the
 * reservation, one usage ledger row, and the entry point's storage (a conversation's
 * messages, or a stored exchange). With Enclave's tools the pipeline runs the tool loop: the
 * model proposes calls, the tools module's gate decides them, reads run together, writes
 * that need a person wait in the approval queue (the turn ends there and a decision
 * continues it), for at most the tenant's rounds. Callers who opt in get deterministic answers from the
 * privacy module's encrypted response cache. The two controllers (and OpenAI's embeddings)
 * are thin adapters that write their own formats; errors reach clients only through the
 * gateway's error mapper.
 */
@ApplicationModule(displayName = "Assistant",
		allowedDependencies = { "gateway", "identity", "conversation", "inference", "ratelimit", "privacy", "shared", "tools" })
@NullMarked
package dev.enclave.assistant;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
