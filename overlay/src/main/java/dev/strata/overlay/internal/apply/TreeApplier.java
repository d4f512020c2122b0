package dev.strata.overlay.internal.apply;

import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Posix;
import dev.strata.linux.Statx;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.changeset.ApplyOptions;
import dev.strata.overlay.changeset.ApplyTarget;
import dev.strata.overlay.changeset.ApplyResult;
import dev.strata.overlay.changeset.LayerApplier;
import dev.strata.overlay.changeset.Ownership;
import dev.strata.overlay.changeset.UnsafeEntryException;
import dev.strata.overlay.internal.tar.TarEntry;
import dev.strata.overlay.internal.tar.TarReader;
import dev.strata.overlay.internal.tar.TarType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The standard {@link LayerApplier}: one pass over the tar, each member applied as it is read
 * (see the interface for the contract, docs/changesets.md for the design).
 */
public final class TreeApplier implements LayerApplier {

  @Override
  public ApplyResult apply(InputStream layer, Path root, ApplyOptions options) throws IOException {
    Files.createDirectories(root);
    String hostPath = new String(root.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    boolean chown = options.ownership() == Ownership.WHEN_ROOT && Posix.geteuid() == 0;
    WhiteoutFormat format = WhiteoutFormat.of(options);
    Counts counts = new Counts();
    try (LayerStream stream = LayerStream.open(layer, options.mediaType(), options.sizeLimit());
        RootedTree tree = new RootedTree(Posix.openTree(hostPath));
        Arena arena = Arena.ofConfined()) {
      Attributes attributes = new Attributes(chown);
      DeferredDirectories directories = new DeferredDirectories();
      // a whiteout this layer made, needed again as a directory (only marker formats record them)
      tree.onWhiteoutReplaced((parent, name, entry) -> format.replaceLower(tree, parent, name, entry));
      List<Path> lowerDirs = format.lowerDirs(options);
      ImplicitDirectories implicit = new ImplicitDirectories();
      if (!lowerDirs.isEmpty()) {
        tree.onImplicitDirectory(implicit::made);
      }
      EntryWriter writer =
          new EntryWriter(tree, attributes, directories, counts, format, arena.allocate(1 << 20));
      WhiteoutApplier whiteouts = new WhiteoutApplier(tree, format);
      Session session;
      try (ParentCache parents = new ParentCache(tree)) {
        session = new Session(tree, parents, writer, whiteouts, options.target() == ApplyTarget.ARCHIVE, attributes, directories, counts);
        TarReader reader = new TarReader(stream);
        Optional<TarEntry> next;
        while ((next = reader.next()).isPresent()) {
          session.apply(next.get(), reader.content());
        }
      }
      stream.drain();
      if (!implicit.isEmpty()) {
        // only now, and only when a parent had to be made, are the lowers read (and waited for)
        options.lowersReady().await();
        try (LowerDirectories lowers = LowerDirectories.open(lowerDirs, options.overlayXattrs())) {
          implicit.resolve(tree, lowers, attributes, directories);
        }
      }
      directories.apply(tree);
      return new ApplyResult(
          stream.digest(),
          stream.compression(),
          counts.entries,
          counts.files,
          counts.directories,
          counts.symlinks,
          counts.hardlinks,
          counts.specials,
          counts.whiteouts,
          counts.skipped,
          counts.bytes);
    }
  }

  /** One apply's members, dispatched by type. */
  private record Session(
      RootedTree tree,
      ParentCache parents,
      EntryWriter writer,
      WhiteoutApplier whiteouts,
      boolean skipsWhiteouts,
      Attributes attributes,
      DeferredDirectories directories,
      Counts counts) {

    void apply(TarEntry e, InputStream data) throws IOException {
      EntryPath path = EntryPath.parse(e.name());
      String entry = path.display();
      counts.entries++;
      try {
        if (path.isRoot()) {
          root(e, path, entry);
          return;
        }
        for (String dir : path.parentParts()) {
          if (dir.startsWith(Whiteouts.PREFIX)) {
            throw new UnsafeEntryException(entry, "entry '" + entry + "' has a whiteout name as a directory");
          }
        }
        String base = path.base();
        if (base.startsWith(Whiteouts.PREFIX)) {
          if (skipsWhiteouts) {
            counts.skipped++; // an archive, not a layer: such a member means nothing
            return;
          }
          try (Fd parent = tree.openWhiteoutParent(path.parentParts(), entry)) {
            if (parent == null) {
              counts.skipped++; // below a non-directory: it can name nothing (see openWhiteoutParent)
              return;
            }
            whiteout(parent, Posix.lstatat(parent, "", entry), base, entry);
          }
          return;
        }
        if (e.type() == TarType.CHAR_DEVICE || e.type() == TarType.BLOCK_DEVICE) {
          EntryWriter.requireKernelDeviceNumber(e, entry);
        }
        Fd parent = parents.open(path.parentParts(), entry);
        Statx parentStat = parents.stat();
        switch (e.type()) {
          case DIRECTORY -> writer.directory(parent, parentStat, path, e, entry);
          case REGULAR -> writer.regular(parent, parentStat, base, e, data, entry);
          case SYMLINK -> writer.symlink(parent, parentStat, base, e, entry);
          case HARDLINK -> writer.hardlink(parent, parentStat, base, e, entry);
          case CHAR_DEVICE -> writer.special(parent, parentStat, base, e, Posix.S_IFCHR, entry);
          case BLOCK_DEVICE -> writer.special(parent, parentStat, base, e, Posix.S_IFBLK, entry);
          case FIFO -> writer.special(parent, parentStat, base, e, Posix.S_IFIFO, entry);
        }
      } catch (LinuxException ex) {
        throw RootedTree.refusal(ex, entry);
      }
    }

    /** A member naming the root itself: a directory updates the root's metadata, anything else is refused. */
    private void root(TarEntry e, EntryPath path, String entry) throws IOException {
      if (e.type() != dev.strata.overlay.internal.tar.TarType.DIRECTORY) {
        throw new UnsafeEntryException(entry, "entry '" + entry + "' would replace the root directory");
      }
      attributes.ownerAndXattrs(tree.root(), "", e, entry);
      directories.add(path, Posix.lstatat(tree.root(), "", entry), e.mode(), e.mtime(), entry);
      counts.directories++;
    }

    private void whiteout(Fd parent, Statx parentStat, String base, String entry) throws IOException {
      counts.whiteouts++;
      if (Whiteouts.isOpaque(base)) {
        whiteouts.opaque(parent, entry);
        return;
      }
      Optional<String> hidden = Whiteouts.hiddenName(base);
      if (hidden.isEmpty()) {
        counts.whiteouts--;
        counts.skipped++; // another reserved .wh..wh. name: metadata for other tools, ignored
        return;
      }
      String name = hidden.get();
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new UnsafeEntryException(entry, "whiteout '" + entry + "' does not name an entry");
      }
      whiteouts.whiteout(parent, parentStat, name, entry);
    }
  }
}
