package dev.strata.cli;

import dev.strata.core.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata image cat NAME PATH}: a file of an image, its bytes to stdout, without mounting. */
@Command(
    name = "cat",
    description = {
      "Print a file of an image (or committed snapshot) to stdout, without mounting anything.",
      "Symlinks are followed inside the image; the image is unpacked first when it is not yet."
    })
final class ImageCatCommand extends ImageCommand.Verb {
  @Parameters(index = "0", paramLabel = "NAME", description = "Image name or committed snapshot key.")
  String name;

  @Parameters(index = "1", paramLabel = "PATH", description = "Path inside the image.")
  String path;

  @Mixin ImageReadOptions read;

  @Override
  void run(Storage storage) throws IOException {
    try (FileSystem fs = read.open(storage, name); InputStream in = Files.newInputStream(fs.getPath("/", path))) {
      OutputStream stdout = System.out; // bytes, not characters: the file may be binary
      in.transferTo(stdout);
      stdout.flush();
    }
  }
}
