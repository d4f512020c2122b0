package dev.strata.core.internal.transfer;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.ImageDestination;
import dev.strata.core.transfer.TransferListener;

/**
 * What the file transports' destinations share: a {@link LayoutSink} they write only when they
 * commit (staging what the copier gives until then), a name for messages, the listener they report
 * their writing to, and the count of what they wrote. They hold nothing beforehand ({@link #has}
 * is false: a layout directory's blobs are checked as they are written) and take indexes with
 * only the entries the store holds, as containerd's export does.
 */
abstract sealed class FileDestination implements ImageDestination permits LayoutDestination, DockerArchiveDestination {
  final LayoutSink sink;
  final String target;
  final TransferListener listener;
  int written;
  long bytes;

  FileDestination(LayoutSink sink, String target, TransferListener listener) {
    this.sink = sink;
    this.target = target;
    this.listener = listener;
  }

  @Override
  public String describe() {
    return target;
  }

  @Override
  public boolean has(Descriptor descriptor) {
    return false;
  }

  @Override
  public boolean takesPartialIndexes() {
    return true;
  }

  void count(long size) {
    written++;
    bytes += size;
  }
}
