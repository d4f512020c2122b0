package dev.strata.distribution.internal.registry;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.distribution.Reference;
import dev.strata.distribution.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The TLS setup for one registry, as containers/image and docker make it from their {@code
 * certs.d} directories: the JDK's trust store plus every {@code *.crt} (PEM CA certificates) in
 * {@code ROOT/HOST[:PORT]/}, and the client certificates {@code NAME.cert} with their keys {@code
 * NAME.key} (PEM, PKCS#8) for mutual TLS. Without verification any server certificate is accepted
 * (client certificates are still presented).
 *
 * @param context the context for the registry's HTTPS connections
 * @param files the certificate files read, for messages
 */
record RegistryTls(SSLContext context, List<Path> files) {
  private static final char[] NO_PASSWORD = new char[0];

  RegistryTls {
    files = List.copyOf(files);
  }

  /**
   * The setup for {@code reference}'s registry under {@code options}.
   *
   * @throws InvalidArgumentException when a certificate or key file is malformed, or a client
   *     certificate lacks its key (or a key its certificate)
   */
  static RegistryTls of(Reference reference, RegistryOptions options) throws IOException {
    List<Path> files = new ArrayList<>();
    List<X509Certificate> cas = new ArrayList<>();
    KeyStore clientKeys = null; // made for the first client certificate: an empty one costs class loading
    for (Path dir : directories(reference, options.certDirectories())) {
      for (Path file : list(dir)) {
        String name = file.getFileName().toString();
        if (name.endsWith(".crt")) {
          cas.addAll(certificates(file));
          files.add(file);
        } else if (name.endsWith(".cert")) {
          Path key = dir.resolve(name.substring(0, name.length() - ".cert".length()) + ".key");
          requireExists(key, file);
          if (clientKeys == null) {
            clientKeys = emptyKeyStore();
          }
          addKeyEntry(clientKeys, file, key);
          files.add(file);
        } else if (name.endsWith(".key")) {
          requireExists(dir.resolve(name.substring(0, name.length() - ".key".length()) + ".cert"), file);
        }
      }
    }
    boolean verify = options.tlsVerify();
    KeyStore keys = clientKeys;
    // the files are read and checked now; the context, which loads the JDK's trust store, only
    // when a connection needs TLS
    return new RegistryTls(new LazySslContext(() -> context(reference, verify, cas, keys)), files);
  }

  private static SSLContext context(Reference reference, boolean verify, List<X509Certificate> cas, @Nullable KeyStore clientKeys) throws IOException {
    try {
      boolean anyClientKey = clientKeys != null;
      if (verify && cas.isEmpty() && !anyClientKey) {
        return SSLContext.getDefault();
      }
      KeyManager[] keyManagers = null;
      if (anyClientKey) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(clientKeys, NO_PASSWORD);
        keyManagers = kmf.getKeyManagers();
      }
      TrustManager[] trustManagers = verify ? trusting(cas) : new TrustManager[] {new TrustingAll()};
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for " + reference.registry() + ": " + e.getMessage(), e);
    }
  }

  /** {@code ROOT/REGISTRY} (and {@code ROOT/ENDPOINT} when it differs) under each root that has it. */
  private static List<Path> directories(Reference reference, List<Path> roots) {
    Set<String> names = new LinkedHashSet<>(List.of(reference.registry(), reference.endpointHost()));
    List<Path> dirs = new ArrayList<>();
    for (Path root : roots) {
      for (String name : names) {
        Path dir = root.resolve(name);
        if (Files.isDirectory(dir)) {
          dirs.add(dir);
        }
      }
    }
    return dirs;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void requireExists(Path partner, Path file) {
    if (!Files.isRegularFile(partner)) {
      throw new InvalidArgumentException(file.toString(), file + " has no " + partner.getFileName() + " beside it (a client certificate needs its key, a key its certificate)");
    }
  }

  private static List<X509Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new InvalidArgumentException(file.toString(), file + " holds no PEM certificate");
      }
      return certs;
    } catch (java.security.cert.CertificateException e) {
      throw new InvalidArgumentException(file.toString(), file + " is not a PEM certificate file: " + e.getMessage());
    }
  }

  private static void addKeyEntry(KeyStore store, Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = certificates(certFile);
    try {
      store.setKeyEntry(certFile.toString(), privateKey(keyFile), NO_PASSWORD, chain.toArray(new Certificate[0]));
    } catch (java.security.KeyStoreException e) {
      throw new InvalidArgumentException(keyFile.toString(), keyFile + " does not fit " + certFile + ": " + e.getMessage());
    }
  }

  /** A PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes) of any JDK algorithm. */
  private static PrivateKey privateKey(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = pem.indexOf(begin);
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new InvalidArgumentException(
          file.toString(), file + " is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY); convert it with `openssl pkcs8 -topk8 -nocrypt`");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new InvalidArgumentException(file.toString(), file + " holds a private key of an algorithm the JDK does not read");
  }

  /** The JDK's trust anchors plus {@code cas}. */
  private static TrustManager[] trusting(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    KeyStore anchors = emptyKeyStore();
    int n = 0;
    for (TrustManager tm : jdk.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate c : x.getAcceptedIssuers()) {
          anchors.setCertificateEntry("jdk-" + n++, c);
        }
      }
    }
    for (X509Certificate c : cas) {
      anchors.setCertificateEntry("certs.d-" + n++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    return tmf.getTrustManagers();
  }

  private static KeyStore emptyKeyStore() throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      return ks;
    } catch (GeneralSecurityException e) {
      throw new IOException("no PKCS12 key store in this JDK", e);
    }
  }

  /**
   * {@code --tls-verify=false}: every server certificate is accepted and no host name is checked
   * (an extended trust manager, so the JDK adds no identity check of its own).
   */
  private static final class TrustingAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
