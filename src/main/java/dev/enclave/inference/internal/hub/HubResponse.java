package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;

/**
 * A hub response after redirects, with its body guarded against stalls.
 * @param url where it came from, as it may be shown: no query string, so no signed URL
 */
record HubResponse(int status, HttpHeaders headers, InputStream body, String url) implements AutoCloseable {

	@Override
	public void close() {
		try {
			this.body.close();
		}
		catch (IOException ex) {
			// Closing abandons the response; whatever the connection does now is HttpClient's concern.
		}
	}

}
