package io.hubroute.job.source;

/**
 * Told what the decoder had to work around in a record it still decoded, so the job can count it.
 */
public interface DecodeObserver {
    /** Observes nothing. */
    DecodeObserver NONE = (header, how) -> {};

    /**
     * A header could not be read as its kind says (an AMQP value that is not one, text that is not
     * UTF-8, a time that is not a time); the message keeps it as {@code how} says, or goes on
     * without that value.
     */
    void headerFellBack(String header, String how);
}
