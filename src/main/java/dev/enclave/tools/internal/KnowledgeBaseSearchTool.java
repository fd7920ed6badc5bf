package dev.enclave.tools.internal;

import java.time.Duration;
import java.util.Set;

import dev.enclave.identity.Scopes;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code knowledge_base_search}: the caller's tenant's articles for a query, with ids and
 * titles the answer can cite, and the start of each article to answer from.
 */
final class KnowledgeBaseSearchTool implements Tool {

	static final String NAME = "knowledge_base_search";

	/** How much of each article the model reads; the result stays within the size cap. */
	static final int EXCERPT = 1200;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ToolDefinition DEFINITION = new ToolDefinition(NAME,
			"Search the company's knowledge base (help articles, policies, product facts). Returns matching articles "
					+ "with their id and title, to cite, and an excerpt. Search again with other words when nothing fits.",
			"""
					{"type": "object",
					 "properties": {
					   "query": {"type": "string", "minLength": 1, "maxLength": 500, "description": "What to look for, in the customer's language"},
					   "limit": {"type": "integer", "minimum": 1, "maximum": 10, "description": "How many articles, 5 if not given"}},
					 "required": ["query"], "additionalProperties": false}""",
			Set.of(Scopes.CHAT), Set.of(), ToolMode.READ, false, Duration.ofSeconds(5));

	private final KnowledgeBase knowledge;

	KnowledgeBaseSearchTool(KnowledgeBase knowledge) {
		this.knowledge = knowledge;
	}

	@Override
	public ToolDefinition definition() {
		return DEFINITION;
	}

	@Override
	public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
		int limit = arguments.has("limit") ? arguments.get("limit").asInt() : 5;
		return this.knowledge.search(context.principal().tenantId(), arguments.get("query").asString(), limit)
			.collectList()
			.map((hits) -> {
				ObjectNode result = JSON.createObjectNode();
				ArrayNode articles = result.putArray("articles");
				hits.forEach((hit) -> articles.addObject()
					.put("id", hit.article().id().toString())
					.put("title", hit.article().title())
					.put("excerpt", excerpt(hit.article().body())));
				return result;
			});
	}

	private static String excerpt(String body) {
		if (body.length() <= EXCERPT) {
			return body;
		}
		int end = Character.isLowSurrogate(body.charAt(EXCERPT)) ? EXCERPT - 1 : EXCERPT;
		return body.substring(0, end) + "…";
	}

}
