package dev.caravan.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test, with the JDK's keytool: a broker certificate for 127.0.0.1 and a client
 * certificate, both signed by the CA, in PKCS12 key stores, and a trust store holding the CA.
 */
public final class TestCertificates {

    private final Path dir;
    private final String password;

    private TestCertificates(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    public static TestCertificates create(Path dir) throws Exception {
        TestCertificates c = new TestCertificates(dir, "pw-" + java.util.UUID.randomUUID());
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=caravan-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", c.file("ca.p12"));
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-file", c.file("ca.crt"), "-keystore", c.file("ca.p12"));
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", c.file("ca.crt"), "-keystore",
                c.file("truststore.p12"));
        c.signed("broker", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
        c.signed("client", "CN=caravan-client", null);
        return c;
    }

    /** A key pair in NAME.p12 whose certificate the CA signed, with the CA's certificate in its chain. */
    private void signed(String name, String dname, String san) throws Exception {
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname, "-validity", "2",
                "-keystore", file(name + ".p12"));
        keytool("-certreq", "-alias", name, "-file", file(name + ".csr"), "-keystore", file(name + ".p12"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-infile", file(name + ".csr"),
                "-outfile", file(name + ".crt"), "-rfc", "-validity", "2", "-keystore", file("ca.p12")));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt"), "-keystore", file(name + ".p12"));
        keytool("-importcert", "-alias", name, "-file", file(name + ".crt"), "-keystore", file(name + ".p12"));
    }

    public String password() {
        return password;
    }

    public String truststore() {
        return file("truststore.p12");
    }

    public String brokerKeystore() {
        return file("broker.p12");
    }

    public String clientKeystore() {
        return file("client.p12");
    }

    private String file(String name) {
        return dir.resolve(name).toAbsolutePath().toString();
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", password));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
