package dev.strata.build.dockerfile;

/**
 * A here-document of RUN, COPY or ADD ({@code <<EOF} ... {@code EOF}).
 *
 * @param name the delimiter word, quotes removed ({@code EOF})
 * @param content the lines between the instruction and the delimiter, each ending in a newline;
 *     with {@code <<-} their leading tabs are already removed
 * @param fileDescriptor the file descriptor it is redirected to ({@code 3<<EOF}), 0 by default
 * @param expand true when the delimiter was unquoted: for COPY and ADD the builder substitutes
 *     variables in the content ({@link Substitution#word}); for RUN the shell does
 * @param chomp true for {@code <<-}
 */
public record Heredoc(String name, String content, int fileDescriptor, boolean expand, boolean chomp) {}
