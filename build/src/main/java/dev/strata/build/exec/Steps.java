package dev.strata.build.exec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.dockerfile.KeyValue;
import dev.strata.core.digest.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a stage: looks the step up in the cache, else performs it (metadata in the config;
 * RUN, COPY, ADD and WORKDIR through {@link FilesystemSteps}), and records its history entry.
 */
final class Steps {
  private final Session session;
  private final FilesystemSteps filesystem;

  Steps(Session session, BaseImages bases, FilesystemSteps.StageLookup stages) {
    this.session = session;
    this.filesystem = new FilesystemSteps(session, bases, stages);
  }

  /** Runs {@code instruction} (unsubstituted) in {@code context}; true when the cache supplied it. */
  boolean run(StageExecutor.StageContext context, Instruction instruction) throws IOException {
    Instruction expanded = context.scope.expand(instruction);
    ImageState state = context.state;
    applyMetadata(context, expanded);
    context.scope = context.scope.apply(expanded);
    if (expanded instanceof Instruction.Env) {
      state.config().set("Env", strings(context.scope.imageEnv()));
      if (context.scope.imageEnv().isEmpty()) {
        state.config().remove("Env");
      }
    }

    try (FilesystemSteps.Prepared prepared = filesystem.prepare(context, expanded)) {
      Digest key = StageExecutor.key(state.cacheKey(), canonical(expanded), prepared.keyParts());
      if (StageExecutor.useCache(session)) {
        Optional<BuildCache.Entry> hit = session.cache.find(key, session.work);
        if (hit.isPresent()) {
          apply(state, hit.get(), key);
          session.cached++;
          return true;
        }
      }
      Optional<BuildCache.Layer> layer = prepared.isFilesystem() ? prepared.perform() : Optional.empty();
      ObjectNode history = StageExecutor.history(session, prepared.createdBy(), layer.isEmpty());
      BuildCache.Entry entry = session.cache.put(key, history, layer, session.work);
      apply(state, entry, key);
      return false;
    }
  }

  private void apply(ImageState state, BuildCache.Entry entry, Digest key) {
    entry.layer().ifPresent(l -> state.addLayer(l.descriptor(), l.diffId(), l.snapshot()));
    state.addHistory(entry.history());
    state.cacheKey(key);
    session.used.add(entry);
  }

  /** The instruction after substitution, without its line number: the step's identity. */
  static String canonical(Instruction expanded) {
    return expanded.toString().replaceFirst("\\[line=\\d+, ", "[");
  }

  /** Sets what a metadata instruction sets in the config (nothing for the others). */
  private static void applyMetadata(StageExecutor.StageContext context, Instruction expanded) {
    ObjectNode config = context.state.config();
    switch (expanded) {
      case Instruction.User u -> config.put("User", u.user());
      case Instruction.Label l -> {
        ObjectNode labels = object(config, "Labels");
        for (KeyValue kv : l.labels()) {
          labels.put(kv.key(), kv.value());
        }
      }
      case Instruction.Expose e -> {
        ObjectNode ports = object(config, "ExposedPorts");
        e.ports().forEach(p -> ports.putObject(p.contains("/") ? p.toLowerCase(java.util.Locale.ROOT) : p + "/tcp"));
      }
      case Instruction.Entrypoint e -> {
        config.set("Entrypoint", strings(e.command().argv(context.shell())));
        if (!context.cmdSet) {
          config.putNull("Cmd"); // an inherited CMD does not survive a new ENTRYPOINT (Docker)
        }
      }
      case Instruction.Cmd c -> {
        config.set("Cmd", strings(c.command().argv(context.shell())));
        context.cmdSet = true;
      }
      case Instruction.Volume v -> {
        ObjectNode volumes = object(config, "Volumes");
        v.paths().forEach(volumes::putObject);
      }
      case Instruction.StopSignal s -> config.put("StopSignal", s.signal());
      case Instruction.Healthcheck h -> {
        ObjectNode check = config.putObject("Healthcheck");
        check.set("Test", strings(h.test()));
        h.interval().ifPresent(d -> check.put("Interval", nanos(d)));
        h.timeout().ifPresent(d -> check.put("Timeout", nanos(d)));
        h.startPeriod().ifPresent(d -> check.put("StartPeriod", nanos(d)));
        h.startInterval().ifPresent(d -> check.put("StartInterval", nanos(d)));
        h.retries().ifPresent(r -> check.put("Retries", r));
      }
      case Instruction.Shell s -> config.set("Shell", strings(s.shell()));
      case Instruction.OnBuild o -> {
        ArrayNode triggers = config.has("OnBuild") && config.get("OnBuild").isArray() ? (ArrayNode) config.get("OnBuild") : config.putArray("OnBuild");
        triggers.add(o.expression());
      }
      case Instruction.Maintainer m -> context.state.document().put("author", m.name());
      case Instruction.Workdir w -> config.put("WorkingDir", FilesystemSteps.workdir(config, w.path()));
      default -> {}
    }
  }

  private static long nanos(Duration d) {
    return d.toNanos();
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.has(name) && parent.get(name).isObject() ? (ObjectNode) parent.get(name) : parent.putObject(name);
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode array = ImageState.JSON.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  /** A map's entries as {@code K=V} strings. */
  static List<String> pairs(Map<String, String> map) {
    return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }
}
