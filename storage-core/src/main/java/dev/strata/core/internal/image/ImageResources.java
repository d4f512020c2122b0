package dev.strata.core.internal.image;

import dev.strata.core.image.Image;
import dev.strata.core.spi.AfterCommit;
import dev.strata.core.spi.Finding;
import dev.strata.core.spi.ReadTxn;
import dev.strata.core.spi.Resource;
import dev.strata.core.spi.GraphBuilder;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.WriteTxn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The image records as an owner of resources: every record is a root that references its target
 * blob. Records are never collectable (remove them with {@code strata image rm}, then collect).
 */
public final class ImageResources implements ResourceOwner {
  private final LmdbImageStore images;

  /** The owner of {@code images}' records. */
  public ImageResources(LmdbImageStore images) {
    this.images = images;
  }

  @Override
  public String name() {
    return "images";
  }

  @Override
  public boolean owns(Resource resource) {
    return resource.kind() == Resource.Kind.IMAGE;
  }

  @Override
  public void report(ReadTxn txn, GraphBuilder graph, Instant now) {
    for (Image image : images.all(txn)) {
      Resource node = new Resource(Resource.Kind.IMAGE, image.name());
      graph.root(node);
      graph.reference(node, Resource.blob(image.target().digest().toString()));
    }
  }

  /** Never called with anything: no record is collectable. */
  @Override
  public AfterCommit sweep(WriteTxn txn, List<Resource> doomed) {
    return AfterCommit.nothing();
  }

  @Override
  public void finishInterruptedSweeps() {
    // a record is one row: nothing is ever left half done
  }

  @Override
  public List<Finding> inspect(ReadTxn txn, Instant now, Missing missing) {
    List<Finding> findings = new ArrayList<>();
    for (Image image : images.all(txn)) {
      if (missing.test(Resource.blob(image.target().digest().toString()))) {
        findings.add(new Finding(Finding.Kind.DANGLING_REFERENCE, image.name(), "image " + image.name() + " points at missing blob " + image.target().digest(), false));
      }
    }
    return findings;
  }

  /** Dangling targets are for a person to decide: nothing is repaired. */
  @Override
  public AfterCommit repair(WriteTxn txn, List<Finding> findings) {
    return AfterCommit.nothing();
  }
}
