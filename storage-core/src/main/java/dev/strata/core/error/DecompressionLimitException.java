package dev.strata.core.error;

/**
 * Decompressing a layer produced more bytes than the bound allows (a decompression bomb, or a
 * layer larger than the disk can take): the work stopped there instead of filling the disk. The
 * subject names the layer.
 */
public class DecompressionLimitException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  /** Creates the error for {@code subject}, whose output passed {@code limit} bytes. */
  public DecompressionLimitException(String subject, long limit) {
    super(
        subject,
        subject + " decompresses to more than " + limit + " bytes, the bound for one layer (by default the free space"
            + " of the store's filesystem less a reserve); stopped before filling the disk");
    this.limit = limit;
  }

  /** The bound that was passed, in bytes. */
  public long limit() {
    return limit;
  }
}
