package dev.enclave.conversation.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TitleTermsTests {

	@Test
	void latinWordsAreWholeLowerCaseTerms() {
		assertThat(TitleTerms.of("Refund for ORDER #4711, please!")).containsExactly("refund", "for", "order", "4711",
				"please");
	}

	@Test
	void chineseRunsBecomeCharacterPairs() {
		assertThat(TitleTerms.of("客户退款")).containsExactly("客户", "户退", "退款");
		assertThat(TitleTerms.of("退")).containsExactly("退");
	}

	@Test
	void mixedScriptsAndFullWidthFormsNormalise() {
		// Full-width letters and digits (common in Chinese input methods) fold to ASCII.
		assertThat(TitleTerms.of("ＶＩＰ客户 订单１２３")).containsExactly("vip", "客户", "订单", "123");
	}

	@Test
	void aQueryFindsTitlesContainingAllItsTerms() {
		var title = TitleTerms.of("客户退款申请 - refund request");
		assertThat(title).containsAll(TitleTerms.of("退款"));
		assertThat(title).containsAll(TitleTerms.of("Refund 申请"));
		assertThat(title).doesNotContainAnyElementsOf(TitleTerms.of("发票"));
	}

	@Test
	void punctuationAndEmptyTextGiveNoTerms() {
		assertThat(TitleTerms.of("  — … !!! ")).isEmpty();
		assertThat(TitleTerms.of("")).isEmpty();
	}

}
