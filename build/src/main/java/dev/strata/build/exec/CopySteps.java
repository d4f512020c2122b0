package dev.strata.build.exec;

import dev.strata.build.context.BuildContext;
import dev.strata.build.context.CopyEntry;
import dev.strata.build.context.CopyPlan;
import dev.strata.build.context.CopyRequest;
import dev.strata.build.context.DockerIgnore;
import dev.strata.build.context.UserDatabase;
import dev.strata.build.dockerfile.CopySpec;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.lease.LeaseResource;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.mount.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * COPY and ADD: the front end's {@link BuildContext} resolves the sources (the build context with
 * its {@code .dockerignore}, or with {@code --from} an earlier stage's or an image's tree, mounted
 * read-only as a view) into a {@link CopyPlan} with Docker's rules, against a view of the stage's
 * own tree (which destinations are directories, the users {@code --chown} names);
 * {@link PlanWriter} writes the plan into the step's snapshot. {@code ADD URL}s are fetched first
 * ({@link Downloads}), so the plan's digest, the step's cache key part, covers their bytes.
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

  /** Prepares an expanded COPY or ADD. */
  FilesystemSteps.Prepared prepare(StageExecutor.StageContext context, Instruction expanded, CopySpec spec, Optional<String> from)
      throws IOException {
    List<View> views = new ArrayList<>();
    try {
      BuildContext sources;
      if (from.isPresent()) {
        ImageState tree = stageOrImage(from.get());
        if (tree.top().isEmpty()) {
          throw new InvalidArgumentException(from.get(), "--from=" + from.get() + ": that tree is empty");
        }
        View view = View.mount(session, tree.top().get());
        views.add(view);
        sources = BuildContext.open(view.root(), DockerIgnore.NONE);
      } else {
        sources = BuildContext.open(session.options.context());
      }
      CopyPlan plan;
      String workdir = context.state.config().path("WorkingDir").asText("");
      String cwd = workdir.isEmpty() ? "/" : workdir;
      if (context.state.top().isPresent()) {
        try (View image = View.mount(session, context.state.top().get())) {
          Path root = image.root();
          Predicate<String> isDirectory = p -> {
            try {
              return ConfinedPaths.isDirectory(root, p);
            } catch (IOException e) {
              return false;
            }
          };
          UserDatabase users = UserDatabase.readFromRoot(root);
          plan = sources.plan(CopyRequest.of(expanded, cwd, isDirectory, users));
        }
      } else {
        plan = sources.plan(CopyRequest.of(expanded, cwd, p -> false, UserDatabase.EMPTY));
      }
      plan = Downloads.fetch(plan, () -> session.newPath("download"), session.now());
      Digest digest = from.isPresent() ? plan.digest() : plan.digest(session.contextFiles().hashes());
      String kind = spec.sources().size() + spec.heredocs().size() > 1 ? "multi" : copiesADirectory(plan) ? "dir" : "file";
      String createdBy = NOP + expanded.keyword() + " " + kind + ":" + digest.encoded() + " in " + spec.destination() + " ";
      CopyPlan written = plan;
      return new FilesystemSteps.Prepared(
          digest.toString(), createdBy, Optional.of(() -> filesystem.inLayer(context, root -> PlanWriter.write(root, written))),
          () -> closeAll(views));
    } catch (IOException | RuntimeException e) {
      closeAll(views);
      throw e;
    }
  }

  private static boolean copiesADirectory(CopyPlan plan) {
    return plan.entries().stream().anyMatch(e -> e instanceof CopyEntry.Directory d && !d.onlyIfMissing());
  }

  private ImageState stageOrImage(String from) throws IOException {
    Optional<ImageState> stage = stages.stage(from);
    return stage.isPresent() ? stage.get() : bases.resolve(from);
  }

  private static void closeAll(List<View> views) throws IOException {
    for (View v : views) {
      v.close();
    }
  }

  /** A committed tree mounted read-only (a view snapshot) for reading. */
  private record View(Session session, String key, Path root) implements AutoCloseable {
    static View mount(Session session, String parent) throws IOException {
      Path root = session.newPath("view");
      Files.createDirectory(root);
      String key = ActiveLayer.KEY_PREFIX + "view-" + UUID.randomUUID();
      session.work.protectTemporary(LeaseResource.snapshot(session.snapshotter.name(), key));
      List<Mount> mounts = session.snapshotter.view(key, Optional.of(parent), Map.of(GcLabels.LEASED, "true"));
      View view = new View(session, key, root);
      try {
        Mounter.mount(mounts, root);
      } catch (IOException | RuntimeException e) {
        view.close();
        throw e;
      }
      return view;
    }

    @Override
    public void close() throws IOException {
      if (Mounter.isMountPoint(root)) {
        Mounter.unmount(root);
      }
      Files.deleteIfExists(root);
      if (session.snapshotter.find(key).isPresent()) {
        session.snapshotter.remove(key);
      }
    }
  }
}
