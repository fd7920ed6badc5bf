/**
 * Shared kernel: the typed identifiers and values every module speaks ({@code TenantId},
 * {@code ConversationId}, and {@code FinishReason}, how a generation ended, from the engine
 * to the stored row). Only value types live here, no behaviour and no Spring beans, so the
 * lowest modules (privacy) and the highest (assistant) can name the same tenant,
 * conversation and outcome without depending on each other. {@code CommandFailure} is the one
 * exception every module's operator command ends with, carrying the documented exit code;
 * {@code SearchTerms} is the one rule by which text becomes search terms (CJK as pairs of
 * characters), a pure function; {@code CachedLoads} is the one way a reactive load goes
 * through a Caffeine async cache, so no caller can cancel a load the others share.
 */
@ApplicationModule(displayName = "Shared kernel", allowedDependencies = {})
@NullMarked
package dev.enclave.shared;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
