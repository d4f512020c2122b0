package dev.strata.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildah as the oracle for substitution and ARG scoping: a Dockerfile without RUN, built by
 * {@code buildah build}, has the config fields that walking it with {@link Scope} gives.
 */
class BuildahConfigOracleTest {
  private static final String DOCKERFILE =
      """
      ARG BASE=scratch
      ARG VER=1.0
      FROM $BASE
      ARG VER
      ARG NAME="my app"
      ENV APP_HOME=/opt/app PATHS="a b" VERSION=${VER} LEGACY_SPACE=x\\ y
      ENV old value with  spaces
      ENV QUOTED='single $VER' DQ="dq $VER \\$VER" DEF=${MISSING:-dflt} ALT=${VER:+set} EMPTYALT=${MISSING:+x}
      LABEL "com.example.name"="$NAME" version=$VER multi="line one" esc=a\\ b
      WORKDIR $APP_HOME
      WORKDIR sub
      USER 1000:${VER}
      EXPOSE 80/tcp ${PORT:-8080} 53/udp
      VOLUME ["/data", "$APP_HOME/cache"]
      STOPSIGNAL SIGTERM
      ENTRYPOINT ["/bin/app", "$VER"]
      CMD run $VER
      """;

  @TempDir Path dir;

  @Test
  void envLabelsWorkdirUserPortsVolumesAndCommands_areWhatBuildahGives() throws IOException {
    Capabilities.requireRoot("buildah builds with its own storage root");
    Capabilities.requireTool("buildah");
    Files.writeString(dir.resolve("Dockerfile"), DOCKERFILE);
    List<String> buildah =
        List.of("buildah", "--storage-driver", "vfs", "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("run").toString());
    Command.run(dir, concat(buildah, "build", "-q", "--build-arg", "VER=2.0", "-t", "cfg", dir.toString()));
    JsonNode config =
        new ObjectMapper().readTree(Command.run(dir, concat(buildah, "inspect", "--type", "image", "cfg"))).path("OCIv1").path("config");

    Map<String, Object> ours = walk(DockerfileParser.parse(dir.resolve("Dockerfile")), BuildArgs.parse(List.of("VER=2.0"), Map.of()));
    Map<String, Object> theirs = new LinkedHashMap<>();
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(e -> env.add(e.asText()));
    env.removeIf(e -> e.startsWith("PATH=")); // buildah's default PATH for scratch
    theirs.put("Env", env);
    Map<String, String> labels = new TreeMap<>();
    config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.remove("io.buildah.version");
    theirs.put("Labels", labels);
    theirs.put("WorkingDir", config.path("WorkingDir").asText());
    theirs.put("User", config.path("User").asText());
    theirs.put("ExposedPorts", keys(config.path("ExposedPorts")));
    theirs.put("Volumes", keys(config.path("Volumes")));
    theirs.put("StopSignal", config.path("StopSignal").asText());
    theirs.put("Entrypoint", strings(config.path("Entrypoint")));
    theirs.put("Cmd", strings(config.path("Cmd")));

    assertThat(ours).isEqualTo(theirs);
    assertThat(ours.get("Env")).asList().contains("DQ=dq 2.0 $VER", "old=value with  spaces");
  }

  /** The config fields a walk of the last stage gives, as an executor would compute them. */
  private static Map<String, Object> walk(Dockerfile df, BuildArgs args) {
    Scope scope = Scope.global(df, args).stage(List.of());
    Map<String, String> labels = new TreeMap<>();
    String workdir = "/";
    String user = "";
    TreeSet<String> ports = new TreeSet<>();
    TreeSet<String> volumes = new TreeSet<>();
    String stopSignal = "";
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    for (Instruction i : df.lastStage().instructions()) {
      Instruction e = scope.expand(i);
      switch (e) {
        case Instruction.Label l -> l.labels().forEach(kv -> labels.put(kv.key(), kv.value()));
        case Instruction.Workdir w -> workdir = w.path().startsWith("/") ? w.path() : workdir + "/" + w.path();
        case Instruction.User u -> user = u.user();
        case Instruction.Expose x -> x.ports().forEach(p -> ports.add(p.contains("/") ? p : p + "/tcp"));
        case Instruction.Volume v -> volumes.addAll(v.paths());
        case Instruction.StopSignal s -> stopSignal = s.signal();
        case Instruction.Entrypoint en -> entrypoint = en.command().argv(List.of("/bin/sh", "-c"));
        case Instruction.Cmd c -> cmd = c.command().argv(List.of("/bin/sh", "-c"));
        default -> {}
      }
      scope = scope.apply(e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Env", scope.imageEnv());
    out.put("Labels", labels);
    out.put("WorkingDir", workdir);
    out.put("User", user);
    out.put("ExposedPorts", List.copyOf(ports));
    out.put("Volumes", List.copyOf(volumes));
    out.put("StopSignal", stopSignal);
    out.put("Entrypoint", entrypoint);
    out.put("Cmd", cmd);
    return out;
  }

  private static List<String> keys(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return List.copyOf(new TreeSet<>(out));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String[] concat(List<String> head, String... tail) {
    return Stream.concat(head.stream(), Stream.of(tail)).toArray(String[]::new);
  }
}
