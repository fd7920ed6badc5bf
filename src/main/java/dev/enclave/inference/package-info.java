/**
 * Inference: runs language models in-process and offers them to the rest of Enclave as
 * Spring AI's {@code ChatModel} and {@code StreamingChatModel}, so callers never know which
 * engine answers. It owns the verified loading of Hugging Face checkpoints (SHA-256
 * manifest, own memory-mapped safetensors reader), the LLaMA, Qwen2 and GLM-4 decoders on
 * DJL/PyTorch, generation (KV cache, sampling, stop conditions, streaming detokenisation),
 * chat templates and the {@code PromptRenderer} that renders and counts each prompt once,
 * before any budget is reserved, the generated {@code demo} checkpoint, model readiness and
 * {@code GET /v1/models}. It never stores, logs or caches prompts and answers, never
 * downloads anything at run time, and never serves a model whose files failed verification.
 */
@ApplicationModule(displayName = "Inference", allowedDependencies = { "storage", "gateway", "shared", "privacy" })
@NullMarked
package dev.enclave.inference;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
