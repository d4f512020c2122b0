package dev.strata.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SubstitutionTest {
  private final Substitution sub = Substitution.of(Map.of("A", "apple", "E", "", "S", "x  y"));

  @Test
  void plainAndBracedNames_areReplaced_andUnsetNamesAreEmpty() {
    assertThat(sub.word("$A-${A}_$Nope.")).isEqualTo("apple-apple_.");
    assertThat(sub.word("${A}s")).isEqualTo("apples");
  }

  @Test
  void theModifiers_distinguishUnsetFromEmpty() {
    assertThat(sub.word("${E:-d}|${E-d}|${U-d}|${A:-d}")).isEqualTo("d||d|apple");
    assertThat(sub.word("${E:+w}|${E+w}|${U+w}|${A:+w}")).isEqualTo("|w||w");
    assertThat(sub.word("${U:-$A/${E:-z}}")).isEqualTo("apple/z");
    assertThatThrownBy(() -> sub.word("${U:?must be set}"))
        .isInstanceOf(SubstitutionException.class)
        .hasMessage("U: must be set");
    assertThat(sub.word("${A:?x}")).isEqualTo("apple");
  }

  @Test
  void quotesAndEscapes_followDockersLexer() {
    assertThat(sub.word("'$A'")).isEqualTo("$A");
    assertThat(sub.word("\"$A and \\$A \\\\ \\x\"")).isEqualTo("apple and $A \\ \\x");
    assertThat(sub.word("\\$A \\\"")).isEqualTo("$A \"");
    assertThat(sub.word("a$")).isEqualTo("a$");
    assertThat(sub.word("$1x")).isEqualTo("x");
    assertThat(sub.word("100%$ $@")).isEqualTo("100%$ $@");
  }

  @Test
  void words_splitAtUnquotedWhitespace_includingAnUnquotedValuesWhitespace() {
    assertThat(sub.words("80 \"a b\" $S '' \"$S\"")).containsExactly("80", "a b", "x", "y", "", "x  y");
    assertThat(sub.words("   ")).isEmpty();
  }

  @Test
  void badSubstitutions_areErrors() {
    assertThatThrownBy(() -> sub.word("'open")).hasMessageContaining("matching single-quote");
    assertThatThrownBy(() -> sub.word("\"open")).hasMessageContaining("matching double-quote");
    assertThatThrownBy(() -> sub.word("${A")).hasMessageContaining("bad substitution");
    assertThatThrownBy(() -> sub.word("${A:-x")).hasMessageContaining("missing '}'");
    assertThatThrownBy(() -> sub.word("${A#x}")).hasMessageContaining("unsupported modifier (#)");
    assertThatThrownBy(() -> sub.word("${}")).hasMessageContaining("bad substitution");
  }

  @Test
  void aHereDocument_keepsItsQuotes_andEscapesOnlyDollarAndBackslash() {
    assertThat(sub.heredoc("say \"$A\" '${A}' \\$A \\\\ \\n\n")).isEqualTo("say \"apple\" 'apple' $A \\ \\n\n");
  }

  @Test
  void theBacktickEscape_escapesInsteadOfBackslash() {
    Substitution windows = new Substitution('`', n -> java.util.Optional.of("v"));
    assertThat(windows.word("c:\\dir\\`$X$X")).isEqualTo("c:\\dir\\$Xv");
  }

  @Property
  void aQuotedLiteral_substitutesBackToItself(@ForAll String literal) {
    assertThat(sub.word(Substitution.quote(literal, '\\'))).isEqualTo(literal);
    assertThat(new Substitution('`', n -> java.util.Optional.empty()).word(Substitution.quote(literal, '`')))
        .isEqualTo(literal);
  }

  @Property
  void aQuotedLiteral_isOneWord(@ForAll String literal) {
    String quoted = Substitution.quote(literal, '\\');
    assertThat(sub.words(quoted)).isEqualTo(literal.isEmpty() ? java.util.List.of() : java.util.List.of(literal));
  }
}
