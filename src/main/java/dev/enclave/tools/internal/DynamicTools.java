package dev.enclave.tools.internal;

import java.util.List;

import dev.enclave.tools.Tool;

/**
 * Where tools that come and go while Enclave runs are published: an MCP server's, listed
 * when it connects, again when it says its list changed, and withdrawn when it is lost.
 */
public interface DynamicTools {

	/**
	 * Makes {@code tools} the whole of what {@code source} offers, replacing what it offered
	 * before; an empty list withdraws them all. A tool that cannot be offered (its schema is
	 * not valid, its name is taken) is left out with a warning, never failing the others.
	 * @param source who offers them, for logs: "MCP server 'github'"
	 */
	void replace(String source, List<Tool> tools);

}
