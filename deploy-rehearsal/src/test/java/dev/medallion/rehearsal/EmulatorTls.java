package dev.medallion.rehearsal;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The emulator's TLS identity: a fresh self-signed certificate for {@code 127.0.0.1}, made with the JDK's
 * {@code keytool}, which moto serves ({@code -c CERT -k KEY}), and a trust store holding that certificate
 * alone, which every JVM of the rehearsal trusts. Certificates are still verified, host name included;
 * they are only the emulator's rather than AWS's (which Lambda's JVMs trust through the JDK's own
 * {@code cacerts}).
 */
final class EmulatorTls {
    private static final String ALIAS = "emulator";
    private static final char[] PASSWORD = "rehearsal".toCharArray();

    private final Path certificate;
    private final Path privateKey;
    private final Path trustStore;
    private final KeyStore trusted;

    private EmulatorTls(Path certificate, Path privateKey, Path trustStore, KeyStore trusted) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.trustStore = trustStore;
        this.trusted = trusted;
    }

    /** Generates the key pair and certificate (valid two days) and the trust store in {@code directory}. */
    static EmulatorTls create(Path directory) throws IOException, InterruptedException, GeneralSecurityException {
        requireNonNull(directory, "directory is null");
        Path keyStore = directory.resolve("emulator-key.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path log = directory.resolve("keytool.log");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IOException("keytool could not make the emulator's certificate: " + Files.readString(log));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD);
        }
        Key key = keys.getKey(ALIAS, PASSWORD);
        Certificate cert = keys.getCertificate(ALIAS);

        Path certificate = directory.resolve("emulator.crt");
        Path privateKey = directory.resolve("emulator.key");
        Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, cert);
        Path trustStore = directory.resolve("emulator-trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trusted.store(out, PASSWORD);
        }
        return new EmulatorTls(certificate, privateKey, trustStore, trusted);
    }

    /** PEM certificate, for moto's {@code -c}. */
    Path certificate() {
        return certificate;
    }

    /** PEM (PKCS #8) private key, for moto's {@code -k}. */
    Path privateKey() {
        return privateKey;
    }

    /** What a JVM needs on its command line to trust the emulator (and nothing else). */
    List<String> jvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD),
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** Trust managers for this JVM's own clients. */
    TrustManager[] trustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot trust the emulator's certificate", e);
        }
    }

    SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot trust the emulator's certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
