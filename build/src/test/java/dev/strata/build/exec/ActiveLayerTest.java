package dev.strata.build.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.snapshot.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveLayerTest {
  @Test
  void volatileUpper_marksWritableOverlayMountsOnly() {
    Mount writable = new Mount("overlay", "overlay", List.of("lowerdir=/l", "upperdir=/u", "workdir=/w"));
    Mount view = new Mount("overlay", "overlay", List.of("ro", "lowerdir=/a:/b"));
    Mount bind = new Mount("bind", "/s/fs", List.of("rbind", "rw"));

    List<Mount> marked = ActiveLayer.volatileUpper(List.of(writable, view, bind));

    assertThat(marked.get(0).options()).containsExactly("lowerdir=/l", "upperdir=/u", "workdir=/w", "volatile");
    assertThat(marked.subList(1, 3)).containsExactly(view, bind);
    assertThat(ActiveLayer.volatileUpper(marked)).isEqualTo(marked);
  }
}
