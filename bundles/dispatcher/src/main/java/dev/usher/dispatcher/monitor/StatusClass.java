package dev.usher.dispatcher.monitor;

/** The class of a response status, as counted: its first digit. */
public enum StatusClass {
    /** 100-199. */
    INFORMATIONAL("1xx"),
    /** 200-299. */
    SUCCESS("2xx"),
    /** 300-399. */
    REDIRECTION("3xx"),
    /** 400-499, with 499 for a client that left before its answer (nginx's code). */
    CLIENT_ERROR("4xx"),
    /** 500-599. */
    SERVER_ERROR("5xx");

    private static final StatusClass[] BY_DIGIT = values();

    private final String label;

    StatusClass(String label) {
        this.label = label;
    }

    /** How it is written: {@code 2xx}. */
    public String label() {
        return label;
    }

    /** The class of {@code status}, which must be 100-599. */
    public static StatusClass of(int status) {
        int digit = status / 100;
        if (digit < 1 || digit > 5) {
            throw new IllegalArgumentException("not a status: " + status);
        }
        return BY_DIGIT[digit - 1];
    }
}
