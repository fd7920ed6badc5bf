/**
 * Shared kernel: the typed identifiers every module speaks ({@code TenantId},
 * {@code ConversationId}). Only value types live here, no behaviour and no Spring beans, so
 * the lowest modules (privacy) and the highest (assistant) can name the same tenant and
 * conversation without depending on each other.
 */
@ApplicationModule(displayName = "Shared kernel", allowedDependencies = {})
@NullMarked
package dev.enclave.shared;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
