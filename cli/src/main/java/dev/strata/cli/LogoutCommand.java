package dev.strata.cli;

import dev.strata.core.error.NotFoundException;
import dev.strata.distribution.auth.CredentialStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata logout HOST}: remove the stored credentials of a registry from the login file. */
@Command(name = "logout", description = "Remove the credentials of a registry from the containers auth file.")
final class LogoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "HOST", description = "The registry.")
  String host;

  @Override
  public Integer call() throws Exception {
    CredentialStore store = CredentialStore.fromEnvironment();
    if (!store.loginFile().remove(host)) {
      throw new NotFoundException(host, "not logged in to " + host + " (" + store.loginFile().path() + ")");
    }
    spec.commandLine().getOut().println("Removed login credentials for " + host);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
