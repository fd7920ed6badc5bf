/**
 * Inference: runs language models in-process, or on OpenAI-compatible model servers (vLLM,
 * SGLang) Enclave sits in front of, and offers them to the rest of Enclave as one model
 * catalog and Spring AI's {@code ChatModel} and {@code StreamingChatModel} (plus
 * {@code TextEmbeddings} for the servers' embedding models), so callers never know which
 * engine answers. For the servers it owns routing (weighted, least in flight), health
 * checks, a circuit breaker and concurrency limit per server, failover before the first
 * token, and the mapping of their failures to the envelope; their API keys are never
 * logged. For the local engine it owns the verified loading of Hugging Face checkpoints (SHA-256
 * manifest, own memory-mapped safetensors reader), the LLaMA, Qwen2 and GLM-4 decoders on
 * DJL/PyTorch, the continuous-batching scheduler of each replica (a tenant-fair priority
 * queue with deadlines, KV memory admission, preemption, out-of-memory recovery, prefix
 * reuse within a tenant), generation (KV cache, sampling, stop conditions, streaming
 * detokenisation), chat templates and the {@code PromptRenderer} that renders and counts
 * each prompt once, before any budget is reserved, the generated {@code demo} checkpoint,
 * model readiness and {@code GET /v1/models}. It never stores or logs prompts and answers;
 * all it keeps of a prompt past its request is the in-memory KV of its first blocks, for the
 * same tenant only, bounded, expiring, and dropped when the tenant's data is erased. It never
 * downloads anything at run time, and never serves a model whose files failed verification,
 * nor, when a signature public key is configured, one whose manifest it did not sign. The
 * operator's {@code model} commands ({@code ModelCommand}) fetch checkpoints from a Hugging
 * Face hub or mirror (resumable, every file verified, the manifest written last), verify,
 * list and sign them, without starting anything else.
 */
@ApplicationModule(displayName = "Inference", allowedDependencies = { "storage", "gateway", "shared", "privacy", "observability" })
@NullMarked
package dev.enclave.inference;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
