package dev.enclave;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/security.md} cannot rot: every test it cites as {@code Class#method} is a test
 * method of a test class on the class path, and each item of the OWASP API Security Top 10
 * (2023) and of the OWASP Top 10 for LLM Applications (2025) has its section, citing at least
 * one test.
 */
class SecurityMatrixTests {

	private static final Path MATRIX = Path.of("docs", "security.md");

	private static final Pattern CITATION = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-z][A-Za-z0-9]*)`");

	private static final Pattern SECTION = Pattern.compile("^### ((?:API|LLM)\\d+):(\\d{4}) ", Pattern.MULTILINE);

	@Test
	void everyCitedTestIsATestMethod() throws IOException, URISyntaxException {
		Map<String, List<Class<?>>> classes = testClasses();
		Matcher citation = CITATION.matcher(Files.readString(MATRIX));
		List<String> wrong = new ArrayList<>();
		int cited = 0;
		while (citation.find()) {
			cited++;
			String name = citation.group(1);
			String method = citation.group(2);
			List<Class<?>> candidates = classes.getOrDefault(name, List.of());
			if (candidates.size() != 1) {
				wrong.add(citation.group() + ((candidates.isEmpty()) ? ": no such test class" : ": ambiguous"));
			}
			else if (!isTestMethod(candidates.get(0), method)) {
				wrong.add(citation.group() + ": no such test method");
			}
		}
		assertThat(wrong).as("citations in %s", MATRIX).isEmpty();
		assertThat(cited).as("citations in %s", MATRIX).isGreaterThan(100);
	}

	@Test
	void everyOwaspItemHasASectionCitingATest() throws IOException {
		Map<String, String> sections = sections(Files.readString(MATRIX));
		List<String> expected = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			expected.add("API" + i + ":2023");
			expected.add(String.format("LLM%02d:2025", i));
		}
		assertThat(sections.keySet()).containsAll(expected);
		for (String item : expected) {
			assertThat(CITATION.matcher(sections.get(item)).find()).as("%s cites a test", item).isTrue();
		}
	}

	/** The text under each {@code ### API1:2023 ...} heading, up to the next heading. */
	private static Map<String, String> sections(String matrix) {
		Map<String, String> sections = new LinkedHashMap<>();
		Matcher heading = SECTION.matcher(matrix);
		List<int[]> starts = new ArrayList<>();
		List<String> items = new ArrayList<>();
		while (heading.find()) {
			starts.add(new int[] { heading.start(), heading.end() });
			items.add(heading.group(1) + ":" + heading.group(2));
		}
		for (int i = 0; i < items.size(); i++) {
			int end = (i + 1 < starts.size()) ? starts.get(i + 1)[0] : matrix.length();
			int next = matrix.indexOf("\n## ", starts.get(i)[1]);
			if (next >= 0 && next < end) {
				end = next;
			}
			sections.put(items.get(i), matrix.substring(starts.get(i)[1], end));
		}
		return sections;
	}

	private static boolean isTestMethod(Class<?> type, String name) {
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			for (Method method : current.getDeclaredMethods()) {
				if (method.getName().equals(name) && AnnotationSupport.isAnnotated(method, Testable.class)) {
					return true;
				}
			}
		}
		return false;
	}

	/** The test classes ({@code *Tests}, {@code *IT}) compiled with this one, by simple name. */
	private static Map<String, List<Class<?>>> testClasses() throws IOException, URISyntaxException {
		Path root = Path.of(SecurityMatrixTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Map<String, List<Class<?>>> classes = new HashMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
				if ((!relative.endsWith("Tests.class") && !relative.endsWith("IT.class")) || relative.contains("$")) {
					continue;
				}
				String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
				Class<?> type = load(name);
				classes.computeIfAbsent(type.getSimpleName(), (key) -> new ArrayList<>()).add(type);
			}
		}
		return classes;
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name, false, SecurityMatrixTests.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(name, ex);
		}
	}

}
