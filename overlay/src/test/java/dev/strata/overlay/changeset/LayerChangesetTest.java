package dev.strata.overlay.changeset;

/** strata's applier and differ pass the {@link ChangesetContract}. */
class LayerChangesetTest extends ChangesetContract {
  @Override
  protected LayerApplier applier() {
    return LayerApplier.create();
  }

  @Override
  protected LayerDiffer differ() {
    return LayerDiffer.create();
  }
}
