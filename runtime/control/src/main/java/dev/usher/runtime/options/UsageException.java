package dev.usher.runtime.options;

/** A command line Usher cannot use: the message names the option and says why, on one line. */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param option the option as the user may spell it, e.g. {@code -w/--workers}; null when the
     *     problem is not one option's (an unknown option, a second settings path)
     * @param reason what is wrong with it
     */
    public UsageException(String option, String reason) {
        super(option == null ? reason : "option " + option + ": " + reason);
    }
}
