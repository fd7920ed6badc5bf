package dev.enclave.conversation;

import java.util.List;
import java.util.Map;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.ReplicaApps;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage rows and API keys' {@code last_used_at} are written in batches, off the request
 * path, and a graceful shutdown writes what is still waiting: nothing acknowledged is lost.
 */
class UsageBatchingIT extends EnclaveIT {

	@Test
	void aGracefulShutdownWritesEveryWaitingRow() {
		String admin = identities().admin();
		Map<String, Object> key = identities().createApiKey(admin, Identities.uniqueSubject("batched"), "chat");
		String rows = "SELECT count(*) FROM usage_events WHERE subject_id = '" + key.get("id") + "'";
		String lastUsed = "SELECT (last_used_at IS NOT NULL)::text FROM api_keys WHERE id = '" + key.get("id") + "'";
		// A replica whose batches would wait an hour: only its shutdown can write them.
		ConfigurableApplicationContext replica = ReplicaApps.start("--enclave.conversation.usage-flush-interval=1h",
				"--enclave.auth.credential-cache.last-used-flush=1h");
		try {
			ChatCompletionsClient chat = new ChatCompletionsClient(ReplicaApps.client(replica));
			for (int i = 0; i < 5; i++) {
				EntityExchangeResult<byte[]> result = chat.post((String) key.get("key"), Map.of("messages",
						List.of(Map.of("role", "user", "content", "Question " + i)), "max_tokens", 4, "temperature", 0));
				assertThat(result.getStatus().value()).isEqualTo(200);
			}
			assertThat(TestDatabase.query(rows)).as("answered, but not written yet").containsExactly("0");
			assertThat(TestDatabase.query(lastUsed)).containsExactly("false");
		}
		finally {
			replica.close();
		}
		assertThat(TestDatabase.query(rows)).as("written by the graceful shutdown").containsExactly("5");
		// Written a column at a time: every value landed in its own column, row by row.
		assertThat(TestDatabase.query("SELECT DISTINCT concat_ws('/', tenant_id = (SELECT tenant_id FROM api_keys WHERE id = '"
				+ key.get("id") + "'), auth_method, model, operation, cache_hit, finish_reason, prompt_tokens > 0, "
				+ "completion_tokens BETWEEN 1 AND 4, latency_ms >= 0, created_at > now() - interval '1 hour') "
				+ "FROM usage_events WHERE subject_id = '" + key.get("id") + "'"))
			.containsExactly("t/api_key/demo/chat/f/length/t/t/t/t");
		assertThat(TestDatabase.query(lastUsed)).containsExactly("true");
	}

}
