package dev.strata.distribution.testing;

import dev.strata.testkit.Skopeo;
import dev.strata.testkit.Capabilities;
import dev.strata.core.Storage;
import dev.strata.distribution.ImagePuller;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.PullOptions;
import dev.strata.distribution.PullResult;
import dev.strata.distribution.Reference;
import dev.strata.distribution.Registry;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.CredentialStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * A test's starting point: an image skopeo pushed to a fresh repository of the registry, an empty
 * store, and registry options that find no credentials in the user's files. Close it to close the
 * store.
 *
 * @param storage the empty store, under the test's directory
 * @param repo the repository, unique per test
 * @param image what was pushed (tag {@code v1})
 * @param anonymous options without credentials
 */
public record Seeded(Storage storage, String repo, TestImages.Written image, RegistryOptions anonymous) implements AutoCloseable {

  /** Pushes a {@code layers}-layer image with skopeo, with {@code creds} ({@code USER:PASS}) when not empty. */
  public static Seeded push(Path dir, String registryHost, String prefix, String creds, int layers, int size, long seed) throws Exception {
    Capabilities.requireTool("skopeo");
    String repo = prefix + "/" + Long.toHexString(System.nanoTime());
    TestImages.Written image = TestImages.image(dir.resolve("layout"), "v1", layers, size, seed);
    String src = "oci:" + dir.resolve("layout") + ":v1";
    String dest = "docker://" + registryHost + "/" + repo + ":v1";
    if (creds.isEmpty()) {
      Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", src, dest);
    } else {
      Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", creds, src, dest);
    }
    RegistryOptions anonymous = RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir.resolve("home")));
    return new Seeded(Storage.open(dir.resolve("store")), repo, image, anonymous);
  }

  /** Pulls {@code host/repo:v1} into the store. */
  public PullResult pull(String host, RegistryOptions options) throws Exception {
    Reference r = Reference.parse(host + "/" + repo + ":v1");
    try (ImageSource source = Registry.source(r, options)) {
      return new ImagePuller(storage).pull(source, r.toString(), PullOptions.defaults());
    }
  }

  /** Closes the store. */
  @Override
  public void close() {
    storage.close();
  }
}
