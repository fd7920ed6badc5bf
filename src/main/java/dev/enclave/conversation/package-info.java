/**
 * Conversations: a user's (or an app's) conversations and their messages in PostgreSQL,
 * normalised one row per message, with every piece of user content sealed by the privacy
 * module under the conversation's own data key. It enforces ownership (another tenant's or
 * user's conversation is "not found"), serialises turns (prepared without a trace, begun
 * under a lock only once their budgets are reserved, ended once), pages lists by keyset, searches
 * titles through a blind index, keeps feedback and the plain usage ledger, and erases
 * conversations by crypto-shredding them, on request or when their retention ends. It knows
 * nothing about models or prompts.
 */
@ApplicationModule(displayName = "Conversation",
		allowedDependencies = { "gateway", "identity", "privacy", "storage", "shared" })
@NullMarked
package dev.enclave.conversation;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
