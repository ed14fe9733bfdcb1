package dev.usher.config;

/** A configuration property whose value Usher cannot use, with the reason. */
public final class InvalidSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final transient Object value;

    /**
     * @param property the property's name, e.g. {@code threads}
     * @param value the offending value
     * @param reason why it cannot be used
     */
    public InvalidSettingException(String property, Object value, String reason) {
        super(property + "=" + value + ": " + reason);
        this.property = property;
        this.value = value;
    }

    /** The property's name. */
    public String property() {
        return property;
    }

    /** The offending value. */
    public Object value() {
        return value;
    }
}
