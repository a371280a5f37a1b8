package dev.caravan.support;

/** A failure as one log or answer line: the deepest cause, with the outer message where it adds the position. */
public final class OneLine {

    private OneLine() {
    }

    /** The deepest cause's message on one line, with the outer message when it adds the position. */
    public static String of(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root != e && e.getMessage() != null && !e.getMessage().contains(message)) {
            message = e.getMessage() + ": " + message;
        }
        message = message.replaceAll("\\s+", " ").trim();
        return message.length() > 400 ? message.substring(0, 400) + "..." : message;
    }
}
