package dev.caravan.settings;

/** The operator console. */
public final class ConsoleSettings {

    public static final Setting<String> CONTENT_SECURITY_POLICY =
            Setting.text("caravan.console.content-security-policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "Content-Security-Policy of the console's files: its own scripts and styles only, no framing")
            .shown("below");

    private ConsoleSettings() {
    }
}
