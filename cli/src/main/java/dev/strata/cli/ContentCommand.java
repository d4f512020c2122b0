package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import dev.strata.core.content.BlobReader;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentStore;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.IngestStatus;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.content.SourceIdentity;
import dev.strata.core.content.WriterOptions;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.IngestLockedException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.lease.LeasedWork;
import dev.strata.core.lease.WorkSpec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata content ...}: the blob store, verb by verb. */
@Command(
    name = "content",
    description = "Manage blobs in the content store.",
    subcommands = {
      ContentCommand.Ingest.class,
      ContentCommand.Cat.class,
      ContentCommand.Ls.class,
      ContentCommand.Info.class,
      ContentCommand.Label.class,
      ContentCommand.Rm.class,
      ContentCommand.Ingests.class,
      ContentCommand.Abort.class
    })
final class ContentCommand {
  @ParentCommand StrataCommand strata;

  /** Shared plumbing: the store and the output streams. */
  abstract static class Verb implements Callable<Integer> {
    @ParentCommand ContentCommand content;
    @Spec CommandSpec spec;
    /** The open store, while {@link #run} runs. */
    Storage storage;

    Storage open() throws IOException {
      return content.strata.openStorage();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      try (Storage opened = open()) {
        storage = opened;
        run(opened.content());
      }
      return 0;
    }

    abstract void run(ContentStore store) throws IOException;
  }

  @Command(
      name = "ingest",
      description = {
        "Store a file (or stdin with '-') and print its digest.",
        "An interrupted ingest with the same --ref resumes where it stopped."
      })
  static final class Ingest extends Verb {
    @Parameters(paramLabel = "FILE|-", description = "File to store, or - for stdin.")
    String source;

    @Option(names = "--ref", description = "Ingest name; reuse it to resume.")
    String ref;

    @Option(names = "--expected", description = "Digest the content must have.")
    String expected;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Label to set on the blob.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--lease", paramLabel = "ID", description = "Add the blob to this lease.")
    String lease;

    /** How long to wait between looks at an ingest of the same ref in another process. */
    private static final long WAIT_MILLIS = 50;
    /** How long a temporary ingest's lease protects it while this process lives. */
    private static final Duration TEMPORARY_EXPIRY = Duration.ofHours(1);

    @Override
    void run(ContentStore store) throws IOException {
      Digest expectedDigest = expected == null ? null : Digest.parse(expected);
      Map<String, String> labelMap = parseLabels(labels);
      boolean stdin = source.equals("-");
      Path file = stdin ? null : Path.of(source);
      long size = stdin ? -1 : Files.size(file);
      WriterOptions options =
          expectedDigest == null ? WriterOptions.defaults() : WriterOptions.expecting(expectedDigest);
      if (file != null) {
        // a resumed ingest must continue the same file: another one starts over
        options = options.readingFrom(SourceIdentity.of(file));
      }
      String name = ref != null ? ref : defaultRef(file, expectedDigest);
      // a ref nobody named (stdin) cannot be resumed: it lives on this process's lease, so a kill
      // leaves nothing that the next collection keeps
      boolean temporary = ref == null && stdin;
      WriterOptions chosen = options;
      ContentInfo info =
          LeasedWork.withLease(storage, WorkSpec.of("ingest", TEMPORARY_EXPIRY).joining(Optional.ofNullable(lease)), work -> {
            while (true) {
              try {
                return ingest(store, work, name, chosen, file, size, labelMap, temporary);
              } catch (IngestLockedException e) {
                if (expectedDigest == null) {
                  throw e;
                }
                // the same content is being stored by another process: wait for it, then take
                // its blob (or resume where it stopped, if it gave up)
                Optional<ContentInfo> done = awaitOther(store, expectedDigest);
                if (done.isPresent()) {
                  work.protect(LeaseResource.content(expectedDigest));
                  return labelMap.isEmpty() ? done.get() : store.updateLabels(expectedDigest, labelMap, List.of());
                }
              }
            }
          });
      if (json) {
        Output.json(out(), infoJson(info));
      } else {
        out().println(info.digest());
        out().flush();
      }
    }

    private ContentInfo ingest(
        ContentStore store, LeasedWork work, String name, WriterOptions options, Path file, long size, Map<String, String> labelMap, boolean temporary)
        throws IOException {
      long before = storedOffset(store, name);
      ContentWriter writer = temporary ? work.writer(name, options) : store.writer(name, options);
      if (before > 0 && writer.offset() == 0) {
        spec.commandLine().getErr().println("ingest " + name + ": the " + before + " bytes stored came from another source; starting over");
        spec.commandLine().getErr().flush();
      }
      boolean committed = false;
      try (writer;
          InputStream in = openAt(file, writer.offset());
          Progress.Item progress = Progress.bytes("ingest " + name, size, json)) {
        InputStream counted =
            new FilterInputStream(in) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                progress.update(writer.offset() + Math.max(n, 0));
                return n;
              }
            };
        writer.write(counted);
        work.protect(LeaseResource.content(writer.digest()));
        ContentInfo info = writer.commit(labelMap);
        committed = true;
        return info;
      } finally {
        if (!committed && ref == null) {
          // nobody can resume a ref they never named: do not leave its data behind
          try {
            store.abort(name);
          } catch (RuntimeException | IOException ignored) {
            // already gone, or held by someone else
          }
        }
      }
    }

    /** Bytes an earlier writer of {@code name} left, 0 when there is no such ingest. */
    private static long storedOffset(ContentStore store, String name) {
      try {
        return store.ingest(name).offset();
      } catch (NotFoundException e) {
        return 0;
      }
    }

    /** Pauses while another writer holds the ref; returns the blob once it is stored. */
    private static Optional<ContentInfo> awaitOther(ContentStore store, Digest expected) throws IOException {
      try {
        Thread.sleep(WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for another ingest of " + expected);
      }
      return store.find(expected);
    }

    /** A file's ingest is named after its path and size, so re-running resumes; stdin never does. */
    private static String defaultRef(Path file, Digest expected) throws IOException {
      if (expected != null) {
        return "ingest-" + expected;
      }
      if (file == null) {
        return "stdin-" + UUID.randomUUID();
      }
      String key = file.toAbsolutePath() + "\0" + Files.size(file) + "\0" + Files.getLastModifiedTime(file);
      return "file-" + Digest.sha256(key.getBytes(StandardCharsets.UTF_8)).encoded().substring(0, 32);
    }

    /** Opens the source positioned at {@code offset}; a file seeks, stdin skips. */
    private static InputStream openAt(Path file, long offset) throws IOException {
      if (file == null) {
        InputStream in = System.in;
        in.skipNBytes(offset);
        return in;
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      return Channels.newInputStream(channel);
    }
  }

  @Command(name = "cat", description = "Write a blob, or a range of it, to stdout.")
  static final class Cat extends Verb {
    @Parameters(paramLabel = "DIGEST")
    String digest;

    @Option(names = "--offset", description = "First byte to write (default 0).")
    long offset;

    @Option(names = "--length", description = "Bytes to write (default: to the end).")
    Long length;

    @Option(names = "--verify", description = "Hash the bytes as they stream; fail at the end on a mismatch.")
    boolean verify;

    @Override
    void run(ContentStore store) throws IOException {
      if (offset < 0 || (length != null && length < 0)) {
        throw new InvalidArgumentException(digest, "--offset and --length must not be negative");
      }
      if (verify) {
        if (offset != 0 || length != null) {
          throw new InvalidArgumentException(digest, "--verify reads the whole blob; it takes no --offset or --length");
        }
        try (InputStream in = store.open(Digest.parse(digest), ReadOption.VERIFY)) {
          in.transferTo(System.out);
        } finally {
          System.out.flush();
        }
        return;
      }
      try (BlobReader reader = store.reader(Digest.parse(digest))) {
        WritableByteChannel stdout = Channels.newChannel(System.out);
        reader.transferTo(offset, length == null ? Long.MAX_VALUE : length, stdout);
        System.out.flush();
      }
    }
  }

  @Command(name = "ls", description = "List blobs.")
  static final class Ls extends Verb {
    @Option(names = "--filter", paramLabel = "KEY[=VALUE]", description = "Only blobs with this label.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    void run(ContentStore store) {
      Map<String, String> equal = new HashMap<>();
      Set<String> present = new TreeSet<>();
      for (String f : filters) {
        LabelFilter parsed = LabelFilter.parse(f);
        equal.putAll(parsed.equal());
        present.addAll(parsed.present());
      }
      List<ContentInfo> infos = store.list(new LabelFilter(equal, present));
      if (json) {
        ArrayNode array = Output.array();
        infos.forEach(i -> array.add(infoJson(i)));
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("DIGEST", "SIZE", "CREATED", "LABELS"));
      for (ContentInfo i : infos) {
        rows.add(
            List.of(
                i.digest().toString(),
                Output.bytes(i.size()),
                Output.instant(i.createdAt()),
                String.join(",", i.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())));
      }
      Output.table(out(), rows, "LABELS");
    }
  }

  @Command(name = "info", description = "Show a blob's size, times and labels.")
  static final class Info extends Verb {
    @Parameters(paramLabel = "DIGEST")
    String digest;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    void run(ContentStore store) {
      ContentInfo info = store.info(Digest.parse(digest));
      if (json) {
        Output.json(out(), infoJson(info));
        return;
      }
      PrintWriter out = out();
      out.println("digest:  " + info.digest());
      out.println("size:    " + info.size());
      out.println("created: " + info.createdAt());
      out.println("updated: " + info.updatedAt());
      info.labels().forEach((k, v) -> out.println("label:   " + k + "=" + v));
      out.flush();
    }
  }

  @Command(
      name = "label",
      description = "Set labels on a blob; KEY= (empty value) removes KEY.")
  static final class Label extends Verb {
    @Parameters(index = "0", paramLabel = "DIGEST")
    String digest;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*")
    List<String> labels;

    @Override
    void run(ContentStore store) {
      Map<String, String> put = new HashMap<>();
      List<String> remove = new ArrayList<>();
      parseLabels(labels).forEach((k, v) -> {
        if (v.isEmpty()) {
          remove.add(k);
        } else {
          put.put(k, v);
        }
      });
      ContentInfo info = store.updateLabels(Digest.parse(digest), put, remove);
      info.labels().forEach((k, v) -> out().println(k + "=" + v));
      out().flush();
    }
  }

  @Command(name = "rm", description = "Delete blobs.")
  static final class Rm extends Verb {
    @Parameters(paramLabel = "DIGEST", arity = "1..*")
    List<String> digests;

    @Override
    void run(ContentStore store) throws IOException {
      for (String d : digests) {
        store.delete(Digest.parse(d));
        out().println(d);
      }
      out().flush();
    }
  }

  @Command(name = "ingests", description = "List ingests in progress with their offsets.")
  static final class Ingests extends Verb {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    void run(ContentStore store) {
      List<IngestStatus> ingests = store.ingests();
      if (json) {
        ArrayNode array = Output.array();
        for (IngestStatus s : ingests) {
          ObjectNode node = array.addObject();
          node.put("ref", s.ref());
          node.put("offset", s.offset());
          s.expectedSize().ifPresent(v -> node.put("expectedSize", v));
          s.expectedDigest().ifPresent(v -> node.put("expectedDigest", v.toString()));
          node.put("startedAt", Output.instant(s.startedAt()));
          node.put("updatedAt", Output.instant(s.updatedAt()));
          node.put("expiresAt", Output.instant(s.expiresAt()));
          node.put("active", s.active());
        }
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("REF", "OFFSET", "EXPECTED", "UPDATED", "ACTIVE"));
      for (IngestStatus s : ingests) {
        rows.add(
            List.of(
                s.ref(),
                Long.toString(s.offset()),
                s.expectedDigest().map(Digest::toString).orElse("-"),
                Output.instant(s.updatedAt()),
                s.active() ? "yes" : "no"));
      }
      Output.table(out(), rows, "REF", "EXPECTED");
    }
  }

  @Command(name = "abort", description = "Remove an ingest and its data.")
  static final class Abort extends Verb {
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    void run(ContentStore store) throws IOException {
      store.abort(ref);
    }
  }

  static Map<String, String> parseLabels(List<String> pairs) {
    Map<String, String> labels = new HashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new InvalidArgumentException(pair, "label must be KEY=VALUE, got '" + pair + "'");
      }
      labels.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return labels;
  }

  static ObjectNode infoJson(ContentInfo info) {
    ObjectNode node = Output.object();
    node.put("digest", info.digest().toString());
    node.put("size", info.size());
    node.put("createdAt", Output.instant(info.createdAt()));
    node.put("updatedAt", Output.instant(info.updatedAt()));
    ObjectNode labels = node.putObject("labels");
    info.labels().forEach(labels::put);
    return node;
  }
}
