package dev.strata.distribution.internal.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * An SSL context that builds the real one on first use. The HttpClient takes its context when it
 * is built, but a registry spoken to over plain HTTP (the loopback rule) never needs one: building
 * it loads the JDK's trust store and TLS provider, 150-200 ms of CPU for every pull and push
 * (docs/benchmarks.md, "Profile of a pull and a push"). Paired with {@link #parameters()}, which the
 * client must be given so that it does not ask the context for its defaults while it is built.
 */
final class LazySslContext extends SSLContext {
  /**
   * The HttpClient's SSL parameters: the TLS versions the JDK enables by default for clients, and
   * everything else (cipher suites, groups, schemes) left to the real context's defaults.
   */
  static SSLParameters parameters() {
    return new SSLParameters(null, new String[] {"TLSv1.3", "TLSv1.2"});
  }

  /** Makes the real context; called at most once. */
  @FunctionalInterface
  interface Factory {
    SSLContext create() throws IOException;
  }

  LazySslContext(Factory factory) {
    super(new Spi(factory), null, "TLS");
  }

  private static final class Spi extends SSLContextSpi {
    private final Factory factory;
    private @Nullable SSLContext real;

    Spi(Factory factory) {
      this.factory = factory;
    }

    private synchronized SSLContext real() {
      if (real == null) {
        try {
          real = factory.create();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return real;
    }

    @Override
    protected void engineInit(KeyManager @Nullable [] km, TrustManager @Nullable [] tm, @Nullable SecureRandom sr) {
      throw new IllegalStateException("a registry's SSL context is set up by RegistryTls");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
