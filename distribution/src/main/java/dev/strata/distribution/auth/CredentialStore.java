package dev.strata.distribution.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where registry credentials are looked up, in containers' and docker's order: {@code
 * REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code
 * ~/.config/containers/auth.json}, {@code ~/.docker/config.json} (with its {@code credHelpers} and
 * {@code credsStore}). The first file with an entry for the registry wins. {@code --creds} comes
 * before all of them; it is given through {@link dev.strata.distribution.RegistryOptions}.
 *
 * @param files the files to search, in order
 * @param loginFile the file {@code strata login} writes
 */
public record CredentialStore(List<AuthFile> files, AuthFile loginFile) {
  /** Copies the list. */
  public CredentialStore {
    files = List.copyOf(files);
  }

  /** The standard locations for this process's environment and home directory. */
  public static CredentialStore fromEnvironment() {
    return from(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The standard locations for environment {@code env} and home directory {@code home}. */
  public static CredentialStore from(Map<String, String> env, Path home) {
    List<AuthFile> files = new ArrayList<>();
    String explicit = env.get("REGISTRY_AUTH_FILE");
    if (explicit != null && !explicit.isBlank()) {
      files.add(new AuthFile(Path.of(explicit)));
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    AuthFile runtimeFile = null;
    if (runtime != null && !runtime.isBlank()) {
      runtimeFile = new AuthFile(Path.of(runtime, "containers", "auth.json"));
      files.add(runtimeFile);
    }
    AuthFile config = new AuthFile(home.resolve(".config/containers/auth.json"));
    files.add(config);
    files.add(new AuthFile(home.resolve(".docker/config.json")));
    // podman's login writes REGISTRY_AUTH_FILE, else the runtime file, else ~/.config
    AuthFile login = !files.isEmpty() && explicit != null && !explicit.isBlank() ? files.getFirst() : runtimeFile != null ? runtimeFile : config;
    return new CredentialStore(files, login);
  }

  /** The first credentials found for {@code registry}, or empty (anonymous). */
  public Optional<Credentials> lookup(String registry) throws IOException {
    for (AuthFile file : files) {
      Optional<Credentials> found = file.lookup(registry);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
