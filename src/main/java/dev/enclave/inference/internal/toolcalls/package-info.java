/**
 * Tool calls in a local model's generated text: each model family writes them in its own
 * markup, and these parsers turn a streamed generation into content deltas and parsed calls.
 * They are pure text processing, independent of the engine, and they never let half-parsed
 * call markup out as content: what cannot be parsed comes back as a malformed call, for the
 * caller to decide what becomes of it.
 */
@NullMarked
package dev.enclave.inference.internal.toolcalls;

import org.jspecify.annotations.NullMarked;
