package dev.enclave.privacy.internal;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * The check digits that tell a real card or identity number from any run of digits. Text is
 * read with {@link Character#digit}, so full-width digits, which Chinese input methods
 * produce, count like ASCII ones.
 */
final class Checksums {

	private static final int[] CN_ID_WEIGHTS = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };

	private static final char[] CN_ID_CHECK = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };

	private Checksums() {
	}

	/** Luhn (mod 10) over the first {@code count} of {@code digits}. */
	static boolean luhn(int[] digits, int count) {
		int sum = 0;
		for (int i = count - 1, position = 0; i >= 0; i--, position++) {
			int digit = digits[i];
			if (position % 2 == 1) {
				digit = (digit * 2 > 9) ? digit * 2 - 9 : digit * 2;
			}
			sum += digit;
		}
		return sum % 10 == 0;
	}

	/**
	 * A resident identity number of mainland China (GB 11643-1999): six digits of region, a
	 * real birth date, three of sequence and an ISO 7064 MOD 11-2 check character.
	 */
	static boolean cnResidentId(CharSequence text) {
		if (text.length() != 18) {
			return false;
		}
		int[] digits = new int[17];
		for (int i = 0; i < 17; i++) {
			digits[i] = Character.digit(text.charAt(i), 10);
			if (digits[i] < 0) {
				return false;
			}
		}
		if (digits[0] == 0 || !birthDate(digits)) {
			return false;
		}
		int sum = 0;
		for (int i = 0; i < 17; i++) {
			sum += digits[i] * CN_ID_WEIGHTS[i];
		}
		char last = Character.toUpperCase(fullWidthToAscii(text.charAt(17)));
		return last == CN_ID_CHECK[sum % 11];
	}

	private static boolean birthDate(int[] digits) {
		int year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9];
		int month = digits[10] * 10 + digits[11];
		int day = digits[12] * 10 + digits[13];
		if (year < 1900 || year > 2099) {
			return false;
		}
		try {
			LocalDate.of(year, month, day);
			return true;
		}
		catch (DateTimeException ex) {
			return false;
		}
	}

	private static char fullWidthToAscii(char c) {
		return (c >= '\uFF01' && c <= '\uFF5E') ? (char) (c - 0xFEE0) : c;
	}

}
