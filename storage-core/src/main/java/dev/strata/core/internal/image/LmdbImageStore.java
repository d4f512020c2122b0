package dev.strata.core.internal.image;

import dev.strata.core.spi.Entry;
import dev.strata.core.spi.ReadTxn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.CorruptContentException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.image.ImageName;
import dev.strata.core.image.ImageStore;
import dev.strata.core.image.NewImage;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.core.internal.lmdb.Lmdb.Table;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.oci.UnsupportedMediaTypeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image records in LMDB: table {@code images}, key the normalized name, value JSON {@code
 * {"target":DESCRIPTOR,"labels":{},"createdAt","updatedAt"}}. Writes are check-then-put inside one
 * transaction, repeatable when LMDB grows its map and re-runs them.
 */
public final class LmdbImageStore implements ImageStore {
  /** The table of image records. */
  public static final String TABLE = "images";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Lmdb lmdb;
  private final Table images;
  private final Clock clock;

  private LmdbImageStore(Lmdb lmdb, Clock clock) throws IOException {
    this.lmdb = lmdb;
    this.images = lmdb.table(TABLE);
    this.clock = clock;
  }

  /** Opens the image table of {@code lmdb}. */
  public static LmdbImageStore open(Lmdb lmdb, Clock clock) throws IOException {
    return new LmdbImageStore(lmdb, clock);
  }

  @Override
  public Optional<Image> find(String reference) throws IOException {
    return lmdb.read(txn -> resolve(txn, reference));
  }

  private Optional<Image> resolve(ReadTxn txn, String reference) {
    return ImageResolver.resolve(
        reference, key -> Optional.ofNullable(txn.get(images, key(key))).map(row -> decode(key, row)), all(txn));
  }

  @Override
  public List<Image> list() throws IOException {
    return lmdb.read(this::all);
  }

  /** Every image record, as {@code txn} sees them; for the collector's consistent read. */
  public List<Image> all(ReadTxn txn) {
    List<Image> result = new ArrayList<>();
    for (Entry e : txn.scan(images, new byte[0])) {
      result.add(decode(new String(e.key(), StandardCharsets.UTF_8), e.value()));
    }
    return result;
  }

  @Override
  public Image create(NewImage image) throws IOException {
    String name = ImageName.parse(image.name()).toString();
    checkTarget(name, image.target());
    Instant now = clock.instant();
    Image record = new Image(name, image.target(), image.labels(), now, now);
    return lmdb.write(
        txn -> {
          if (txn.get(images, key(name)) != null) {
            throw new AlreadyExistsException(name, "image " + name + " already exists");
          }
          txn.put(images, key(name), encode(record));
          return record;
        });
  }

  @Override
  public List<Image> putAll(List<NewImage> list) throws IOException {
    Map<String, NewImage> byName = new LinkedHashMap<>();
    for (NewImage image : list) {
      String name = ImageName.parse(image.name()).toString();
      checkTarget(name, image.target());
      byName.put(name, image);
    }
    Instant now = clock.instant();
    return lmdb.write(
        txn -> {
          List<Image> stored = new ArrayList<>();
          for (Map.Entry<String, NewImage> e : byName.entrySet()) {
            byte[] existing = txn.get(images, key(e.getKey()));
            Instant created = existing == null ? now : decode(e.getKey(), existing).createdAt();
            Image record = new Image(e.getKey(), e.getValue().target(), e.getValue().labels(), created, now);
            txn.put(images, key(e.getKey()), encode(record));
            stored.add(record);
          }
          return stored;
        });
  }

  @Override
  public Image tag(String source, String target) throws IOException {
    ImageName toName = ImageName.parse(target);
    String to = toName.toString();
    Instant now = clock.instant();
    return lmdb.write(
        txn -> {
          Image src = resolve(txn, source).orElseThrow(() -> notFound(source));
          if (toName.digest().isPresent() && !toName.digest().get().equals(src.target().digest())) {
            throw new InvalidArgumentException(
                to, "cannot tag " + src.name() + " as " + to + ": the image's digest is " + src.target().digest());
          }
          byte[] existing = txn.get(images, key(to));
          Instant created = existing == null ? now : decode(to, existing).createdAt();
          Image record = new Image(to, src.target(), src.labels(), created, now);
          txn.put(images, key(to), encode(record));
          return record;
        });
  }

  @Override
  public void delete(String name) throws IOException {
    String key = ImageName.parse(name).toString();
    lmdb.write(
        txn -> {
          if (!txn.delete(images, key(key))) {
            throw new NotFoundException(key, "image " + key + " not found");
          }
          return null;
        });
  }

  private static NotFoundException notFound(String reference) {
    return new NotFoundException(reference, "image " + reference + " not found");
  }

  private static void checkTarget(String name, Descriptor target) {
    if (!MediaTypes.isManifest(target.mediaType()) && !MediaTypes.isIndex(target.mediaType())) {
      throw new UnsupportedMediaTypeException(target.digest().toString(), target.mediaType(), "image " + name);
    }
  }

  private static byte[] key(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] encode(Image image) {
    ObjectNode node = JSON.createObjectNode();
    node.set("target", OciJson.descriptorJson(image.target()));
    ObjectNode labels = node.putObject("labels");
    image.labels().forEach(labels::put);
    node.put("createdAt", image.createdAt().toString());
    node.put("updatedAt", image.updatedAt().toString());
    return OciJson.write(node);
  }

  private static Image decode(String name, byte[] row) {
    try {
      JsonNode node = JSON.readTree(row);
      Map<String, String> labels = new LinkedHashMap<>();
      node.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      return new Image(
          name,
          OciJson.descriptor(node.get("target"), "target of image " + name),
          labels,
          Instant.parse(node.get("createdAt").asText()),
          Instant.parse(node.get("updatedAt").asText()));
    } catch (IOException | RuntimeException e) {
      throw new CorruptContentException(name, "image record " + name + " cannot be decoded: " + e.getMessage());
    }
  }
}
