package dev.caravan.settings;

/** A start-up problem the user can fix; its message is the one line printed, with no stack trace. */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    /** The first StartupFailure in a cause chain, or null. */
    public static StartupFailure find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StartupFailure f) {
                return f;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
