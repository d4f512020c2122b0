package dev.strata.cli;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.distribution.Registry;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.auth.Credentials;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata login HOST}: check credentials against a registry, then store them in containers'
 * auth file (REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else
 * ~/.config/containers/auth.json), mode 0600.
 */
@Command(name = "login", description = "Log in to a registry: check the credentials, then store them in the containers auth file (0600).")
final class LoginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "HOST", description = "The registry, such as quay.io or localhost:5000.")
  String host;

  @Option(names = {"-u", "--username"}, description = "The user (asked for when omitted on a terminal).")
  String user;

  @Option(names = "--password-stdin", description = "Read the password from stdin (the only way besides a terminal prompt).")
  boolean passwordStdin;

  @Option(names = "--tls-verify", arity = "1", paramLabel = "BOOL", defaultValue = "true", description = "Require HTTPS (default true).")
  boolean tlsVerify = true;

  @Override
  public Integer call() throws Exception {
    String password = password();
    if (user == null || user.isBlank()) {
      throw new InvalidArgumentException(host, "login needs a user: -u USER");
    }
    Credentials creds = new Credentials(user, password, "login");
    CredentialStore store = CredentialStore.fromEnvironment();
    Registry.checkLogin(host, RegistryOptions.defaults().withTlsVerify(tlsVerify).withCredentials(creds));
    store.loginFile().store(host, creds);
    spec.commandLine().getOut().println("Login Succeeded (" + store.loginFile().path() + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }

  private String password() throws Exception {
    if (passwordStdin) {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new InvalidArgumentException(host, "no password on stdin");
      }
      return line;
    }
    if (System.console() == null) {
      throw new InvalidArgumentException(host, "no terminal to ask for the password: use --password-stdin");
    }
    if (user == null) {
      user = System.console().readLine("Username: ");
    }
    return new String(System.console().readPassword("Password: "));
  }
}
