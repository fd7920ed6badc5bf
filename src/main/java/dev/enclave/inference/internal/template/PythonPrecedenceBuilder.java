package dev.enclave.inference.internal.template;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression syntax with Jinja's place for {@code not}: below the comparisons,
 * so {@code not a == b} is {@code not (a == b)}. Jinjava binds {@code not} to the operand
 * first, which fails on numbers ({@code not message.tool_calls|length == 1}, in Llama 3.1's
 * template once a conversation holds a call) and quietly answers {@code false} on strings
 * ({@code not role == 'tool'}). Public, with this constructor, because the expression
 * factory makes it by its class name.
 */
public final class PythonPrecedenceBuilder extends ExtendedSyntaxBuilder {

	private static final long serialVersionUID = 1L;

	public PythonPrecedenceBuilder(Feature... features) {
		super(features);
	}

	@Override
	protected Parser createParser(String expression) {
		return new NotBelowComparisons(this, expression);
	}

	private static final class NotBelowComparisons extends ExtendedParser {

		NotBelowComparisons(PythonPrecedenceBuilder builder, String expression) {
			super(builder, expression);
		}

		// Reached from "and" before any comparison is parsed: "not" here takes the whole
		// comparison (or another "not") as its operand. Tests ("is defined") bind tighter
		// still, so "not x is defined" stays "not (x is defined)".
		@Override
		protected AstNode eq(boolean required) throws Scanner.ScanException, Parser.ParseException {
			if (getToken().getSymbol() == Scanner.Symbol.NOT) {
				consumeToken();
				return createAstUnary(eq(true), AstUnary.NOT);
			}
			return super.eq(required);
		}

	}

}
