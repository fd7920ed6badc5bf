package dev.enclave.shared;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTermsTests {

	@Test
	void latinWordsAreWholeLowerCaseTerms() {
		assertThat(SearchTerms.of("Refund for ORDER #4711, please!")).containsExactly("refund", "for", "order", "4711",
				"please");
	}

	@Test
	void chineseRunsBecomeCharacterPairs() {
		assertThat(SearchTerms.of("客户退款")).containsExactly("客户", "户退", "退款");
		assertThat(SearchTerms.of("退")).containsExactly("退");
	}

	@Test
	void mixedScriptsAndFullWidthFormsNormalise() {
		// Full-width letters and digits (common in Chinese input methods) fold to ASCII.
		assertThat(SearchTerms.of("ＶＩＰ客户 订单１２３")).containsExactly("vip", "客户", "订单", "123");
	}

	@Test
	void aQueryFindsTitlesContainingAllItsTerms() {
		var title = SearchTerms.of("客户退款申请 - refund request");
		assertThat(title).containsAll(SearchTerms.of("退款"));
		assertThat(title).containsAll(SearchTerms.of("Refund 申请"));
		assertThat(title).doesNotContainAnyElementsOf(SearchTerms.of("发票"));
	}

	@Test
	void punctuationAndEmptyTextGiveNoTerms() {
		assertThat(SearchTerms.of("  — … !!! ")).isEmpty();
		assertThat(SearchTerms.of("")).isEmpty();
	}

}
