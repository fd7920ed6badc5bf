package dev.enclave.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 over a plain socket, byte for byte, for requests an HTTP client refuses to send
 * or would normalise: duplicate headers, raw bytes in the request line, no
 * {@code Content-Type}, request lines and headers over the server's limits. The request
 * should say {@code Connection: close} (or be one the codec refuses, which closes too): the
 * answer is read to the end of the stream.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/** Sends {@code request} (Latin-1, so each char is one byte) and reads the whole answer. */
	public static Answer send(int port, String request) throws IOException {
		return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
	}

	/** Sends {@code request} as is and reads the whole answer. */
	public static Answer send(int port, byte[] request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) != -1) {
				all.write(buffer, 0, read);
			}
			return Answer.parse(all.toByteArray());
		}
	}

	/** Status, head (status line and headers, as text) and the body, de-chunked. */
	public record Answer(int status, String head, byte[] body) {

		static Answer parse(byte[] bytes) {
			String text = new String(bytes, StandardCharsets.ISO_8859_1);
			int split = text.indexOf("\r\n\r\n");
			if (!text.startsWith("HTTP/1.") || split < 0) {
				throw new IllegalStateException("Not an HTTP answer: " + text.substring(0, Math.min(200, text.length())));
			}
			String head = text.substring(0, split);
			byte[] body = Arrays.copyOfRange(bytes, split + 4, bytes.length);
			Answer answer = new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
			String encoding = answer.header("transfer-encoding");
			return (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked"))
					? new Answer(answer.status, head, dechunk(body)) : answer;
		}

		/** The first value of a header, or null. */
		public @Nullable String header(String name) {
			for (String line : this.head.split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
					return line.substring(colon + 1).trim();
				}
			}
			return null;
		}

		/** The body as UTF-8 text. */
		public String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		private static byte[] dechunk(byte[] chunked) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int at = 0;
			while (at < chunked.length) {
				int end = indexOfCrlf(chunked, at);
				if (end < 0) {
					break;
				}
				String sizeLine = new String(chunked, at, end - at, StandardCharsets.ISO_8859_1);
				int semicolon = sizeLine.indexOf(';');
				int size = Integer.parseInt((semicolon >= 0) ? sizeLine.substring(0, semicolon).trim() : sizeLine.trim(),
						16);
				if (size == 0) {
					break;
				}
				body.write(chunked, end + 2, Math.min(size, chunked.length - end - 2));
				at = end + 2 + size + 2;
			}
			return body.toByteArray();
		}

		private static int indexOfCrlf(byte[] bytes, int from) {
			for (int i = from; i + 1 < bytes.length; i++) {
				if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
					return i;
				}
			}
			return -1;
		}

	}

}
