package dev.enclave.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's inventory is whole (OWASP API9): every operation a controller registers is in the
 * OpenAPI document at {@code /v3/api-docs}, and every operation the document lists is
 * registered, method and path alike. Nothing else answers on the application's port but the
 * actuator's own mapping (see {@link ActuatorExposureIT}), the API docs themselves (springdoc's
 * controllers), the console's document and its hashed assets: the console's two router functions
 * are the only functional routes.
 */
class ApiInventoryIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
			"trace");

	/**
	 * The console's document for {@code /} and its client routes, and Spring Boot's welcome page,
	 * which would serve the same {@code index.html} at {@code /} but comes after the console's.
	 */
	private static final Set<String> CONSOLE_MAPPINGS = Set.of("consoleRootMapping", "consoleRoutesMapping",
			"welcomePageRouterFunctionMapping");

	/** The tests' own controller ({@code fixtures.GatewayFixtures}), which only the tests' application has. */
	private static final String FIXTURES = "/test-fixtures/";

	@Autowired
	private ApplicationContext context;

	@Test
	void everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() {
		Set<String> registered = registered();
		Set<String> documented = documented();
		assertThat(registered).as("the API has routes").contains("POST /v1/chat/completions",
				"POST /api/v1/conversations/{id}/messages");
		assertThat(difference(registered, documented)).as("routes /v3/api-docs leaves out").isEmpty();
		assertThat(difference(documented, registered)).as("documented operations nothing serves").isEmpty();
	}

	@Test
	void theOnlyFunctionalRoutesAreTheConsolesDocument() {
		assertThat(this.context.getBeansOfType(RouterFunction.class)).as("router function beans").isEmpty();
		Map<String, RouterFunctionMapping> mappings = this.context.getBeansOfType(RouterFunctionMapping.class);
		mappings.forEach((name, mapping) -> {
			if (!CONSOLE_MAPPINGS.contains(name)) {
				assertThat(mapping.getRouterFunction()).as("the routes of %s", name).isNull();
			}
		});
		assertThat(mappings).containsKeys("consoleRootMapping", "consoleRoutesMapping");
	}

	/** {@code METHOD /path} of every annotated handler but springdoc's own and the tests' fixtures. */
	private Set<String> registered() {
		RequestMappingHandlerMapping handlers = this.context.getBean("requestMappingHandlerMapping",
				RequestMappingHandlerMapping.class);
		Set<String> routes = new TreeSet<>();
		for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : handlers.getHandlerMethods().entrySet()) {
			String type = entry.getValue().getBeanType().getName();
			if (type.startsWith("org.springdoc.") || type.startsWith("fixtures.")) {
				// springdoc's own controllers serve the document; the fixtures are the tests'.
				continue;
			}
			Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
			assertThat(methods).as("the methods of %s", entry.getValue()).isNotEmpty();
			for (PathPattern pattern : entry.getKey().getPatternsCondition().getPatterns()) {
				for (RequestMethod method : methods) {
					routes.add(method.name() + " " + withoutRegex(pattern.getPatternString()));
				}
			}
		}
		return routes;
	}

	/** {@code METHOD /path} of every operation in the OpenAPI document, but the tests' fixtures. */
	private Set<String> documented() {
		byte[] body = http().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody();
		Set<String> operations = new TreeSet<>();
		for (Map.Entry<String, JsonNode> path : JSON.readTree(body).get("paths").properties()) {
			for (String field : path.getValue().propertyNames()) {
				if (OPERATIONS.contains(field) && !path.getKey().startsWith(FIXTURES)) {
					operations.add(field.toUpperCase(Locale.ROOT) + " " + path.getKey());
				}
			}
		}
		return operations;
	}

	/** {@code /x/{id:[0-9]+}} as OpenAPI writes it, {@code /x/{id}}. */
	private static String withoutRegex(String pattern) {
		return pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
	}

	private static Set<String> difference(Set<String> left, Set<String> right) {
		Set<String> difference = new TreeSet<>(left);
		difference.removeAll(right);
		return difference;
	}

}
