package dev.enclave.privacy.internal.logfile;

/**
 * What reading an encrypted log file found, once every record it holds was handed out.
 *
 * @param records the records of lines read
 * @param lines the lines in them
 * @param ending how the file ends
 */
public record ReadReport(long records, long lines, Ending ending) {

	/** How an encrypted log file ends. */
	public enum Ending {

		/** With its end record: the writer closed it (rotation or shutdown), nothing is missing. */
		CLOSED,

		/**
		 * After a complete record but without the end record: its writer stopped without closing
		 * it (a crash or a kill), or is still writing it, or records were cut off its end.
		 */
		UNCLOSED,

		/**
		 * In the middle of a record (or of the header): its writer stopped while writing it, or
		 * is writing it now, or the file was cut. That record's lines are lost; every record
		 * before it was read.
		 */
		TORN

	}

}
