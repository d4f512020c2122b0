package dev.strata.build.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The OCI runtime-spec {@code config.json} of one process (runtime-spec config.md and
 * config-linux.md), shaped like Docker's and runc's defaults: the capabilities Docker grants
 * (moby {@code oci/caps/defaults.go}), its masked and read-only {@code /proc} paths, and {@code
 * noNewPrivileges} off as Docker leaves it.
 */
final class BundleConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The runtime-spec version the document follows. */
  private static final String OCI_VERSION = "1.0.2";
  /** Docker's default capability set (moby oci/caps/defaults.go). */
  static final List<String> DEFAULT_CAPABILITIES =
      List.of(
          "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
          "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  /** Docker's masked paths (moby oci/defaults.go). */
  private static final List<String> MASKED =
      List.of(
          "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
  /** Docker's read-only paths (moby oci/defaults.go). */
  private static final List<String> READ_ONLY =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /** The file-system mounts, in order (parents first); the /etc binds follow them. */
  static final List<MountPoint> MOUNT_POINTS =
      List.of(
          new MountPoint("/proc", true),
          new MountPoint("/dev", true),
          new MountPoint("/sys", true),
          new MountPoint("/etc/hosts", false),
          new MountPoint("/etc/resolv.conf", false),
          new MountPoint("/etc/hostname", false));

  private BundleConfig() {}

  /**
   * The config of {@code spec}, binding {@code hosts}, {@code resolvConf} and {@code hostname}
   * files; with {@code cgroups} false the document has no cgroup settings (crun on hybrid layouts).
   */
  static byte[] write(RunSpec spec, Path hosts, Path resolvConf, Path hostnameFile, boolean cgroups) throws java.io.IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", OCI_VERSION);
    ObjectNode process = root.putObject("process");
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", spec.user().uid());
    user.put("gid", spec.user().gid());
    if (!spec.user().additionalGids().isEmpty()) {
      ArrayNode gids = user.putArray("additionalGids");
      spec.user().additionalGids().forEach(gids::add);
    }
    strings(process.putArray("args"), spec.args());
    strings(process.putArray("env"), spec.env());
    process.put("cwd", spec.cwd());
    ObjectNode caps = process.putObject("capabilities");
    // root keeps the default set; another user has none effective, as in Docker
    for (String set : List.of("bounding", "permitted", "effective")) {
      strings(caps.putArray(set), spec.user().uid() == 0 || set.equals("bounding") ? DEFAULT_CAPABILITIES : List.of());
    }
    // no rlimits: the process inherits strata's, which may not raise them inside a container
    process.put("noNewPrivileges", false);

    ObjectNode rootNode = root.putObject("root");
    rootNode.put("path", spec.rootfs().toString());
    rootNode.put("readonly", false);
    root.put("hostname", spec.hostname());

    ArrayNode mounts = root.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    if (spec.network() == NetworkMode.NONE) {
      mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    } else {
      // sysfs can only be mounted in a network namespace of one's own: bind the host's
      mount(mounts, "/sys", "bind", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro"));
    }
    mount(mounts, "/etc/hosts", "bind", hosts.toString(), List.of("rbind", "rprivate"));
    mount(mounts, "/etc/resolv.conf", "bind", resolvConf.toString(), List.of("rbind", "rprivate"));
    mount(mounts, "/etc/hostname", "bind", hostnameFile.toString(), List.of("rbind", "rprivate"));

    ObjectNode linux = root.putObject("linux");
    ArrayNode namespaces = linux.putArray("namespaces");
    List<String> kinds = spec.network() == NetworkMode.NONE ? List.of("pid", "mount", "ipc", "uts", "network") : List.of("pid", "mount", "ipc", "uts");
    kinds.forEach(k -> namespaces.addObject().put("type", k));
    strings(linux.putArray("maskedPaths"), MASKED);
    strings(linux.putArray("readonlyPaths"), READ_ONLY);
    if (cgroups) {
      ObjectNode resources = linux.putObject("resources");
      ObjectNode deny = resources.putArray("devices").addObject();
      deny.put("allow", false);
      deny.put("access", "rwm");
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    strings(m.putArray("options"), options);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
