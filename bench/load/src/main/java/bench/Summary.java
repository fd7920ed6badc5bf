package bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One RESULT line per request name from a Gatling run's report:
 *
 * <pre>RESULT &lt;label&gt; request=&lt;name&gt; count=.. p50_ms=.. p95_ms=.. p99_ms=.. errors_pct=.. rps=..</pre>
 *
 * plus one for all requests together ({@code request=all}). Usage:
 * {@code Summary <label> <report folder> <results file>}; the lines are appended to the results
 * file and printed.
 *
 * <p>Gatling 3.13 writes no JSON statistics any more: its {@code js/stats.js} is a JavaScript
 * object literal ({@code var stats = {type: "GROUP", ...}} with unquoted keys, then functions),
 * which Jackson reads when it is told to accept unquoted field names and stop after the first
 * value. Percentiles are Gatling's "total" column (OK and KO responses together), as in its own
 * tables, and which percentile each of percentiles1..4 is comes from gatling.conf (50, 75, 95, 99).
 * Jackson is Gatling's own dependency.
 */
public final class Summary {

	private Summary() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 3) {
			throw new IllegalArgumentException("usage: Summary <label> <report folder> <results file>");
		}
		String label = args[0];
		String text = Files.readString(Path.of(args[1], "js", "stats.js"), StandardCharsets.UTF_8);
		int start = text.indexOf('{');
		if (start < 0) {
			throw new IllegalStateException("no object in " + args[1] + "/js/stats.js");
		}
		ObjectMapper mapper = new ObjectMapper();
		mapper.enable(JsonParser.Feature.ALLOW_UNQUOTED_FIELD_NAMES);
		JsonNode root;
		try (JsonParser parser = mapper.getFactory().createParser(text.substring(start))) {
			// Reads the object literal and stops there: the functions after it are never parsed.
			root = mapper.readTree(parser);
		}
		List<String> lines = new ArrayList<>();
		requests(root, lines, label);
		lines.add(line(label, "all", root.path("stats")));
		try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[2]), StandardOpenOption.CREATE,
				StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
			for (String line : lines) {
				out.println(line);
				System.out.println(line);
			}
		}
	}

	/** Requests, also inside groups (the simulation has none today, a later one may). */
	private static void requests(JsonNode node, List<String> lines, String label) {
		for (Map.Entry<String, JsonNode> entry : node.path("contents").properties()) {
			JsonNode child = entry.getValue();
			if ("REQUEST".equals(child.path("type").asText())) {
				lines.add(line(label, child.path("path").asText(child.path("name").asText()), child.path("stats")));
			}
			else {
				requests(child, lines, label);
			}
		}
	}

	private static String line(String label, String name, JsonNode stats) {
		long total = number(stats, "numberOfRequests");
		long ko = stats.path("numberOfRequests").path("ko").asLong(0);
		double errors = (total == 0) ? 0 : 100.0 * ko / total;
		return String.format(Locale.ROOT, "RESULT %s request=%s count=%d p50_ms=%d p95_ms=%d p99_ms=%d errors_pct=%.2f rps=%s",
				label, name.replace(' ', '_'), total, number(stats, "percentiles1"), number(stats, "percentiles3"),
				number(stats, "percentiles4"), errors, stats.path("meanNumberOfRequestsPerSecond").path("total").asText("-"));
	}

	/** A "total" value; Gatling writes numbers as strings, and "-" when there is none. */
	private static long number(JsonNode stats, String field) {
		String value = stats.path(field).path("total").asText("-");
		return value.equals("-") ? -1 : Long.parseLong(value);
	}

}
