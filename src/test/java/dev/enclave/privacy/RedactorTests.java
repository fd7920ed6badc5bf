package dev.enclave.privacy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What the redactor masks, and what it leaves alone, value by value. */
class RedactorTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			write to zhang.san@example.com today             | write to [email] today
			联系邮箱：zhang.san@example.com。谢谢                 | 联系邮箱：[email]。谢谢
			邮箱zhangsan@qq.com请回复                          | 邮箱[email]请回复
			Mail a.b-c+tag@mail.example.co.uk.               | Mail [email].
			<li@sub-domain.example.org>                       | <[email]>
			two: a@b.io,c_d@e.example                         | two: [email],[email]
			UPPER@EXAMPLE.COM                                 | [email]
			""")
	void masksEmailAddresses(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			我的手机号是13812345678请回电                        | 我的手机号是[phone]请回电
			手机：138 1234 5678，微信同号                        | 手机：[phone]，微信同号
			call 139-1234-5678 now                            | call [phone] now
			电话+86 138 1234 5678                              | 电话[phone]
			电话(+86)13812345678                               | 电话([phone]
			US office +1 (415) 555-2671.                      | US office [phone].
			London +44 20 7946 0958                           | London [phone]
			compact +8613912345678                            | compact [phone]
			全角１３８１２３４５６７８号码                        | 全角[phone]号码
			tel:19912345678                                   | tel:[phone]
			""")
	void masksPhoneNumbers(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			身份证号11010519491231002X，请核对                   | 身份证号[cn_id]，请核对
			身份证：110101199003074514                          | 身份证：[cn_id]
			lower x 11010519491231002x ok                     | lower x [cn_id] ok
			id 440306199001011236 and 320102198512314564      | id [cn_id] and [cn_id]
			""")
	void masksValidResidentIdentityNumbers(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			card 4111 1111 1111 1111 expires 12/29            | card [card] expires 12/29
			卡号6217001234567890122，开户行北京                  | 卡号[card]，开户行北京
			卡号：6222-0212-3456-7894                          | 卡号：[card]
			amex 378282246310005.                             | amex [card].
			paid with 5500000000000004                        | paid with [card]
			discover 6011-1111-1111-1117 x                    | discover [card] x
			account 12345 4111 1111 1111 1111                 | account 12345 [card]
			""")
	void masksLuhnValidCardNumbers(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			client 192.168.1.20 connected                     | client [ipv4] connected
			来自10.0.0.1的请求                                  | 来自[ipv4]的请求
			from 255.255.255.255.                             | from [ipv4].
			jdbc:postgresql://127.0.0.1:5432/enclave          | jdbc:postgresql://[ipv4]:5432/enclave
			""")
	void masksIpv4Addresses(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			key ek_live_3f9a8b7c6d5e4f3a2b1c0d leaked         | key [api_key] leaked
			密钥是ek_test_ABCdef123456                          | 密钥是[api_key]
			Authorization: Bearer abcDEF123456._~+/xyz==      | Authorization: [bearer]
			authorization: bearer 0123456789abcdef            | authorization: [bearer]
			token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl end | token [jwt] end
			unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.      | unsigned [jwt]
			Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2ln | [bearer]
			""")
	void masksCredentials(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {
			"Request GET /api/v1/conversations/{id} 200 12 ms",
			"Embedded PostgreSQL is running",
			"订单号 2024112300001 已发货，共 3 件",
			"version 1.2.3 released on 2026-11-23T05:00:00Z",
			"trace 4bf92f3577b34da6a3ce929d0e0e4736",
			"ISBN 978-3-16-148410-0",
			"card 4111 1111 1111 1112 fails Luhn",
			"id 110101199003074515 has a wrong check digit",
			"id 110101199013074514 has no 13th month",
			"mobile 12812345678 is not a CN mobile prefix",
			"mobile 138123456789 is one digit too long",
			"timezone +08:00 and +1 day",
			"ip 256.1.1.1 and 1.2.3 and 1.2.3.4.5",
			"an @ sign alone, user@localhost, @handle",
			"the bearer of bad news",
			"check_key and peek_at_this",
			"eyJ alone is not a token",
			"x = y + 1234567", })
	void leavesOtherTextAlone(String text) {
		assertThat(Redactor.redact(text)).isEqualTo(text);
	}

	@Test
	void masksEveryKindInOneChineseMessage() {
		String text = "客户张三（邮箱 zhang.san@example.com，手机 13812345678，身份证 11010519491231002X）"
				+ "用卡 6217001234567890122 付款，IP 203.0.113.7，密钥 ek_live_abcdef123456。";
		assertThat(Redactor.redact(text)).isEqualTo("客户张三（邮箱 [email]，手机 [phone]，身份证 [cn_id]）"
				+ "用卡 [card] 付款，IP [ipv4]，密钥 [api_key]。");
	}

	@Test
	void redactingTwiceChangesNothingMore() {
		String once = Redactor.redact("a@b.com 13812345678 4111111111111111 10.0.0.1 ek_live_secret1");
		assertThat(Redactor.redact(once)).isEqualTo(once);
	}

	/**
	 * Found by fuzzing ({@code RedactorFuzzTests}): values glued to each other. A value held back
	 * by its neighbour is redacted once the neighbour is, in the same call, so a second call finds
	 * nothing more.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			身份证11010519491231002X6222 0212 3456 7890 128                   | 身份证[cn_id][card]
			13812345678bearer abcdefgh12345                                    | [phone][bearer]
			a@b.com13812345678                                                 | [email][phone]
			4111111111111111eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln             | [card][jwt]
			1.2.3.4+4930123456bearer abcdefgh12345                             | [ipv4][phone][bearer]
			11010519491231002X11010519491231002X11010519491231002X4111111111111111 | [cn_id][cn_id][cn_id][card]
			""")
	void masksValuesGluedToOtherValuesAtOnce(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
		assertThat(Redactor.redact(Redactor.redact(text))).isEqualTo(expected);
	}

	/** Found by fuzzing: digits written after an international number no longer hide it. */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			Order  +93 550361322 12345 shipped                | Order  [phone] 12345 shipped
			call +49 30 1234567 12345678 times                | call [phone] 12345678 times
			""")
	void masksAnInternationalNumberFollowedByMoreDigits(String text, String expected) {
		assertThat(Redactor.redact(text)).isEqualTo(expected);
	}

	@Test
	void passesNullThrough() {
		assertThat(Redactor.redactNullable(null)).isNull();
		assertThat(Redactor.redactNullable("a@b.com")).isEqualTo("[email]");
	}

}
