package dev.enclave.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every outbound socket address a process tree tried, read from the output of
 * {@code strace -f -e trace=connect,sendto,sendmsg,sendmmsg}: which family, which address,
 * and whether it stayed on the machine. Whatever strace cannot decode counts as leaving it,
 * so the proof fails closed.
 */
public final class EgressTrace {

	/** The calls that name a destination; {@code <... resumed>} halves carry no arguments and are skipped. */
	private static final Pattern CALL = Pattern.compile("^(?:\\[pid\\s+)?\\d+\\]?\\s+(connect|sendto|sendmsg|sendmmsg)\\((.*)$");

	private static final Pattern FAMILY = Pattern.compile("sa_family=(\\w+)");

	private static final Pattern INET = Pattern.compile("sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"([^\"]*)\"\\)");

	private static final Pattern INET6 = Pattern.compile("sin6_port=htons\\((\\d+)\\).*?inet_pton\\(AF_INET6, \"([^\"]*)\"");

	/** sendto's last two arguments when it names no destination; the call may be split by another thread's. */
	private static final Pattern NULL_DESTINATION = Pattern.compile(", NULL, 0(?:\\)| <unfinished)");

	/** sendmsg or sendmmsg given no message at all. */
	private static final Pattern NULL_MESSAGE = Pattern.compile("^-?\\d+, NULL, ");

	private static final Pattern UNIX = Pattern.compile("sun_path=(@?\"[^\"]*\")");

	private final List<Attempt> attempts;

	private EgressTrace(List<Attempt> attempts) {
		this.attempts = List.copyOf(attempts);
	}

	/** Reads a trace file that strace wrote with {@code -o}. */
	public static EgressTrace read(Path file) {
		try {
			return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static EgressTrace parse(List<String> lines) {
		List<Attempt> attempts = new ArrayList<>();
		for (String line : lines) {
			Matcher call = CALL.matcher(line);
			if (call.find()) {
				attempts.addAll(attempts(call.group(1), call.group(2), line));
			}
		}
		return new EgressTrace(attempts);
	}

	/** One call can name several destinations ({@code sendmmsg}) or none (a connected socket). */
	private static List<Attempt> attempts(String call, String arguments, String line) {
		List<Attempt> found = new ArrayList<>();
		Matcher family = FAMILY.matcher(arguments);
		while (family.find()) {
			// The address runs to the closing brace of its sockaddr.
			int end = arguments.indexOf('}', family.end());
			String sockaddr = arguments.substring(family.start(), (end < 0) ? arguments.length() : end);
			found.add(attempt(call, family.group(1), sockaddr, line));
		}
		if (found.isEmpty()) {
			// sendto(…, NULL, 0) and sendmsg({msg_name=NULL…}) go where the socket's connect() said,
			// and that connect() is in the trace; a NULL message (a library probing whether
			// sendmmsg exists) sends nothing. Anything else unnamed fails closed.
			boolean unaddressed = !call.equals("connect") && (NULL_MESSAGE.matcher(arguments).find()
					|| (call.equals("sendto") ? NULL_DESTINATION.matcher(arguments).find()
							: arguments.contains("msg_name=NULL")));
			found.add(new Attempt(call, unaddressed ? "none" : "unknown", unaddressed ? "(no destination)" : line,
					unaddressed ? Destination.UNADDRESSED : Destination.EXTERNAL));
		}
		return found;
	}

	private static Attempt attempt(String call, String family, String sockaddr, String line) {
		return switch (family) {
			case "AF_INET" -> inet(call, family, INET.matcher(sockaddr), "%s:%s", line);
			case "AF_INET6" -> inet(call, family, INET6.matcher(sockaddr), "[%s]:%s", line);
			case "AF_UNIX" -> {
				Matcher path = UNIX.matcher(sockaddr);
				yield new Attempt(call, family, path.find() ? path.group(1) : "(unnamed)", Destination.LOCAL);
			}
			// The kernel's own interfaces (routes, addresses): JDK and PostgreSQL ask them about local interfaces.
			case "AF_NETLINK" -> new Attempt(call, family, "(kernel)", Destination.LOCAL);
			// connect(AF_UNSPEC) dissolves a datagram socket's association; it sends nothing.
			case "AF_UNSPEC" -> new Attempt(call, family, "(disconnect)", Destination.LOCAL);
			default -> new Attempt(call, family, line, Destination.EXTERNAL);
		};
	}

	private static Attempt inet(String call, String family, Matcher address, String format, String line) {
		if (!address.find()) {
			return new Attempt(call, family, line, Destination.EXTERNAL);
		}
		String host = address.group(2);
		return new Attempt(call, family, String.format(format, host, address.group(1)),
				isLoopback(host) ? Destination.LOOPBACK : Destination.EXTERNAL);
	}

	/** 127/8, ::1, and 127/8 mapped into IPv6 (how Java's dual-stack sockets reach 127.0.0.1). */
	static boolean isLoopback(String literal) {
		if (!literal.matches("[0-9a-fA-F:.]+")) {
			return false;
		}
		try {
			// A literal address: parsed, never looked up.
			return InetAddress.getByName(literal).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	public List<Attempt> attempts() {
		return this.attempts;
	}

	/** The attempts that left the machine (or that could not be shown not to). */
	public List<Attempt> external() {
		return this.attempts.stream().filter((attempt) -> attempt.destination() == Destination.EXTERNAL).toList();
	}

	/** Whether some call reached {@code port} on loopback. */
	public boolean reachedLoopbackPort(int port) {
		return this.attempts.stream()
			.anyMatch((attempt) -> attempt.destination() == Destination.LOOPBACK
					&& attempt.address().endsWith(":" + port));
	}

	/** Counts by destination class and family, then the distinct addresses with their counts. */
	public String summary() {
		StringBuilder summary = new StringBuilder("Egress trace: " + this.attempts.size() + " socket calls recorded\n");
		Map<String, Long> classes = this.attempts.stream()
			.collect(Collectors.groupingBy((attempt) -> attempt.destination() + " " + attempt.family(), TreeMap::new,
					Collectors.counting()));
		classes.forEach((key, count) -> summary.append(String.format("  %-24s %6d%n", key, count)));
		Map<String, Long> addresses = this.attempts.stream()
			.filter((attempt) -> attempt.destination() != Destination.UNADDRESSED)
			.collect(Collectors.groupingBy((attempt) -> attempt.call() + " " + attempt.address(), TreeMap::new,
					Collectors.counting()));
		addresses.forEach((key, count) -> summary.append(String.format("    %6d × %s%n", count, key)));
		return summary.toString();
	}

	/** Where a call was headed. */
	public enum Destination {

		/** The loopback interface. */
		LOOPBACK,

		/** This machine's own channels: Unix sockets, netlink to the kernel. */
		LOCAL,

		/** No destination named: the socket's own connection (its connect() is recorded), or nothing sent. */
		UNADDRESSED,

		/** Anywhere else, or an address strace could not decode. */
		EXTERNAL

	}

	/** One destination one call named. */
	public record Attempt(String call, String family, String address, Destination destination) {
	}

}
