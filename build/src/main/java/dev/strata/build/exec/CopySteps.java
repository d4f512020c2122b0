package dev.strata.build.exec;

import dev.strata.build.dockerfile.CopySpec;
import dev.strata.build.dockerfile.Heredoc;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.runtime.ProcessUser;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.snapshot.mount.Mounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * COPY and ADD: sources from the build context or, with {@code --from}, from an earlier stage's
 * tree or an image's (mounted read-only as a view for the copy), into the stage's tree with
 * Docker's rules: a directory source copies its contents; the destination is a directory when it
 * ends in {@code /}, when there are several sources, or when it is one in the image; files keep
 * their mode and mtime, get owner 0:0 or {@code --chown}, and {@code --chmod}'s mode when given.
 * ADD of a local tar or a URL is not supported yet: ADD copies as COPY does.
 */
final class CopySteps {
  private static final String NOP = "/bin/sh -c #(nop) ";

  private final Session session;
  private final BaseImages bases;
  private final FilesystemSteps.StageLookup stages;
  private final FilesystemSteps filesystem;

  CopySteps(Session session, BaseImages bases, FilesystemSteps.StageLookup stages, FilesystemSteps filesystem) {
    this.session = session;
    this.bases = bases;
    this.stages = stages;
    this.filesystem = filesystem;
  }

  FilesystemSteps.Prepared prepare(StageExecutor.StageContext context, Instruction.Copy copy) throws IOException {
    if (copy.from().isPresent()) {
      return prepareFrom(context, copy, copy.from().get());
    }
    return prepare(context, "COPY", copy.spec(), session.options.context());
  }

  FilesystemSteps.Prepared prepare(StageExecutor.StageContext context, Instruction.Add add) throws IOException {
    for (String source : add.spec().sources()) {
      if (source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        throw new InvalidArgumentException(source, "ADD of a URL is not supported by strata build yet: " + source);
      }
    }
    return prepare(context, "ADD", add.spec(), session.options.context());
  }

  private FilesystemSteps.Prepared prepare(StageExecutor.StageContext context, String keyword, CopySpec spec, Path root) throws IOException {
    CopySources sources = spec.sources().isEmpty() ? null : CopySources.resolve(root, spec.sources());
    Digest digest = sources == null ? heredocDigest(spec) : sources.digest();
    String summary = sources == null ? "file:" + digest.encoded() : sources.summary(digest);
    String dest = destination(context, spec.destination());
    String createdBy = NOP + keyword + " " + summary + " in " + spec.destination() + " ";
    return new FilesystemSteps.Prepared(
        digest.toString(), createdBy, Optional.of(() -> copyInLayer(context, spec, sources, dest)));
  }

  private FilesystemSteps.Prepared prepareFrom(StageExecutor.StageContext context, Instruction.Copy copy, String from) throws IOException {
    ImageState source = stageOrImage(from);
    if (source.top().isEmpty()) {
      throw new InvalidArgumentException(from, "COPY --from=" + from + ": that tree is empty");
    }
    Path view = session.newPath("from");
    Files.createDirectory(view);
    String key = ActiveLayer.KEY_PREFIX + "view-" + UUID.randomUUID();
    session.work.protectTemporary(dev.strata.core.lease.LeaseResource.snapshot(session.snapshotter.name(), key));
    List<dev.strata.snapshot.Mount> mounts = session.snapshotter.view(key, source.top(), java.util.Map.of(dev.strata.core.image.GcLabels.LEASED, "true"));
    Mounter.mount(mounts, view);
    // the view stays mounted until the step is done: the action reads it after the cache lookup
    FilesystemSteps.Prepared inner;
    try {
      inner = prepare(context, "COPY", copy.spec(), view);
    } catch (IOException | RuntimeException e) {
      unmountView(view, key);
      throw e;
    }
    return new FilesystemSteps.Prepared(inner.keyParts(), inner.createdBy(), inner.action(), () -> unmountView(view, key));
  }

  private void unmountView(Path view, String key) throws IOException {
    if (Mounter.isMountPoint(view)) {
      Mounter.unmount(view);
    }
    Files.deleteIfExists(view);
    if (session.snapshotter.find(key).isPresent()) {
      session.snapshotter.remove(key);
    }
  }

  private ImageState stageOrImage(String from) throws IOException {
    Optional<ImageState> stage = stages.stage(from);
    return stage.isPresent() ? stage.get() : bases.resolve(from);
  }

  private Optional<BuildCache.Layer> copyInLayer(StageExecutor.StageContext context, CopySpec spec, CopySources sources, String dest)
      throws IOException {
    return filesystem.inLayer(context, root -> {
      ProcessUser owner = spec.chown().isPresent() ? UserLookup.resolve(root, spec.chown().get()).user() : ProcessUser.ROOT;
      Optional<Integer> mode = spec.chmod().map(m -> Integer.parseInt(m, 8));
      TreeCopy copier = new TreeCopy(owner, mode);
      boolean many = (sources == null ? 0 : sources.sources().size()) + spec.heredocs().size() > 1;
      boolean intoDir = dest.endsWith("/") || many;
      String destPath = dest.equals("/") ? "/" : dest.replaceAll("/+$", "");
      if (sources != null) {
        for (CopySources.Source s : sources.sources()) {
          if (sources.isDirectory(s)) {
            copier.contents(s.path(), ConfinedPaths.mkdirs(root, destPath));
          } else {
            Path target = target(root, destPath, intoDir, s.path().getFileName().toString());
            copier.one(s.path(), target);
          }
        }
      }
      for (Heredoc h : spec.heredocs()) {
        Path target = target(root, destPath, intoDir, h.name());
        Files.deleteIfExists(target);
        Files.writeString(target, h.content(), StandardCharsets.UTF_8);
        copier.own(target, 0644);
      }
    });
  }

  /** Where a file source lands: inside {@code dest} when it is a directory, else {@code dest}. */
  private static Path target(Path root, String dest, boolean intoDir, String name) throws IOException {
    Path existing = root.resolve(dest.substring(1));
    if (intoDir || dest.equals("/") || Files.isDirectory(existing)) {
      return ConfinedPaths.mkdirs(root, dest).resolve(name);
    }
    String parent = dest.substring(0, dest.lastIndexOf('/'));
    return ConfinedPaths.mkdirs(root, parent.isEmpty() ? "/" : parent).resolve(dest.substring(dest.lastIndexOf('/') + 1));
  }

  /** The destination against the WORKDIR, keeping a trailing slash. */
  private static String destination(StageExecutor.StageContext context, String dest) {
    if (dest.startsWith("/")) {
      return dest;
    }
    String base = context.state.config().path("WorkingDir").asText("");
    String joined = (base.isEmpty() ? "" : base.replaceAll("/+$", "")) + "/" + dest;
    return joined.equals("/.") || joined.equals("/./") ? "/" : joined;
  }

  private static Digest heredocDigest(CopySpec spec) {
    StringBuilder b = new StringBuilder();
    spec.heredocs().forEach(h -> b.append(h.name()).append('\0').append(h.content()).append('\0'));
    return Digest.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Copies trees, owning and moding what it writes. */
  private record TreeCopy(ProcessUser owner, Optional<Integer> mode) {
    void contents(Path dir, Path target) throws IOException {
      try (var children = Files.list(dir)) {
        for (Path child : children.sorted().toList()) {
          one(child, target.resolve(child.getFileName().toString()));
        }
      }
      Files.setLastModifiedTime(target, Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
    }

    void one(Path source, Path target) throws IOException {
      if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(target);
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(target);
        }
        int sourceMode = (Integer) Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        contents(source, target);
        own(target, sourceMode);
        Files.setLastModifiedTime(target, Files.getLastModifiedTime(source, LinkOption.NOFOLLOW_LINKS));
        return;
      }
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        FilesystemSteps.deleteTree(target);
      }
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      if (!Files.isSymbolicLink(target)) {
        int sourceMode = (Integer) Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        own(target, sourceMode);
        Files.setLastModifiedTime(target, Files.getLastModifiedTime(source, LinkOption.NOFOLLOW_LINKS));
      } else {
        Files.setAttribute(target, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }

    void own(Path target, int sourceMode) throws IOException {
      Files.setAttribute(target, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(target, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(target, "unix:mode", mode.orElse(sourceMode), LinkOption.NOFOLLOW_LINKS);
    }
  }
}
