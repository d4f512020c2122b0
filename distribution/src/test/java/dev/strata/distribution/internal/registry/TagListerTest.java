package dev.strata.distribution.internal.registry;

import dev.strata.testkit.Skopeo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.distribution.Reference;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.CredentialStore;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.testkit.DockerRegistry;
import dev.strata.distribution.testing.TestImages;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TagListerTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;

  @Test
  void everyTag_isListed_evenWhenTheRegistryIgnoresThePageSize() throws Exception {
    Skopeo.require();
    TestImages.image(dir.resolve("layout"), "t", 1, 100, 41);
    for (String tag : new String[] {"a", "b", "c", "d", "e"}) {
      Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + dir.resolve("layout") + ":t", "docker://" + registry.host() + "/paged/app:" + tag);
    }
    RegistryOptions options = RegistryOptions.defaults().withCredentialStore(CredentialStore.from(Map.of(), dir));

    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      var tags = new TagLister(new RegistryClient(Reference.parse(proxy.host() + "/paged/app"), options), 2).list();

      assertThat(tags).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
      // docker-registry 2.8 answers tags/list whole, ignoring n (pagination came with Distribution 3);
      // following Link is covered by ChallengeTest.theNextLink_isResolvedAgainstTheRequest
      assertThat(proxy.requests()).hasSize(1);
    }
  }
}
