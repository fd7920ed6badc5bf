package dev.enclave.conversation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.TenantId;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A turn's lock is released before its stored answer is handed on, so a client that sends
 * its next message the moment it has the answer finds the conversation free. Released after
 * (as it once was), the next send could be refused as busy (409) for the moment the release
 * took.
 */
class TurnLockIT extends EnclaveIT {

	@Autowired
	TurnService turns;

	@Autowired
	ConversationStore conversations;

	@Test
	void theLockIsFreeByTheTimeTheAnswerIsStored() {
		Chats chats = new Chats(http());
		String agent = identities().sso("turn-lock", Identities.uniqueSubject("agent"), "AGENT");
		String id = chats.createId(agent, "Next question at once");
		List<String> owner = TestDatabase
			.query("SELECT tenant_id::text || ' ' || owner_id::text FROM conversations WHERE id = '" + id + "'");
		String[] ids = owner.get(0).split(" ");
		Principal caller = Principal.ofUser(new TenantId(UUID.fromString(ids[0])),
				new SubjectId(UUID.fromString(ids[1])), Set.of(Role.AGENT), AuthMethod.OIDC);
		ConversationId conversation = ConversationId.of(id);
		TurnOutcome outcome = new TurnOutcome("Answered.", UsageRecord.chat("demo", 3, 1, FinishReason.STOP, 5), 2L,
				List.of());

		for (int turn = 0; turn < 3; turn++) {
			Boolean runningWhenAnswered = this.turns.prepareTurn(caller, conversation)
				.flatMap((context) -> this.turns.beginTurn(context, List.of(), "Question " + context.lastSeq()))
				.flatMap((begun) -> this.turns.endTurn(begun, outcome))
				// Asked in the same chain, the instant the answer is stored: what the next send would see.
				.flatMap((answer) -> this.conversations.turnRunning(conversation, Instant.now().minusSeconds(600)))
				.block(Duration.ofSeconds(30));
			assertThat(runningWhenAnswered).as("turn %d still holds the lock when its answer is stored", turn)
				.isFalse();
		}
		// Each turn added its question and its answer.
		assertThat(TestDatabase.query("SELECT count(*) FROM messages WHERE conversation_id = '" + id + "'"))
			.containsExactly("6");
	}

}
