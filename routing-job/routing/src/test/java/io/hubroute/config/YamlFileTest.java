package io.hubroute.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.query.SourcePosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

class YamlFileTest {
    /** The YAML of {@code c: ...}, the position in the value, and where that lies in the file. */
    static List<Object[]> scalars() {
        return List.of(
                new Object[] {"c: abc def", new SourcePosition(1, 5), new SourcePosition(1, 8)},
                new Object[] {"c: 'a''b x'", new SourcePosition(1, 5), new SourcePosition(1, 10)},
                new Object[] {
                    "c: \"a\\\"b\\u00e9 x\"", new SourcePosition(1, 6), new SourcePosition(1, 16)
                },
                new Object[] {
                    "c: |\n  one\n  two x\n", new SourcePosition(2, 5), new SourcePosition(3, 7)
                },
                new Object[] {
                    "c: >\n  one\n  two x\n", new SourcePosition(1, 9), new SourcePosition(3, 7)
                },
                new Object[] {
                    "c: one\n   two x\n", new SourcePosition(1, 9), new SourcePosition(2, 8)
                },
                new Object[] {
                    "c: 'grüße 😀 x'", new SourcePosition(1, 9), new SourcePosition(1, 13)
                },
                new Object[] {"c: abc", new SourcePosition(1, 4), new SourcePosition(1, 7)});
    }

    @ParameterizedTest
    @MethodSource("scalars")
    void mapsPositionsInAValueToTheFile(
            String text, SourcePosition inValue, SourcePosition expected) {
        YamlFile yaml = YamlFile.parse(text, "f.yaml");
        ScalarNode value =
                (ScalarNode) ((MappingNode) yaml.root()).getValue().get(0).getValueNode();

        assertThat(yaml.positionIn(value, inValue)).isEqualTo(expected);
    }

    @Test
    void deepNestingIsAPositionedProblemNotAStackOverflow() {
        String deep = "a: " + "[".repeat(2000) + "]".repeat(2000) + "\n";

        YamlFile yaml = YamlFile.parse(deep, "deep.yaml");

        assertThat(yaml.root()).isNull();
        assertThat(yaml.problems())
                .singleElement()
                .hasToString(
                        "deep.yaml:1:"
                                + (4 + YamlFile.MAX_DEPTH - 1)
                                + ": nested more than 64 levels deep\n"
                                + "    fix: flatten the document: configuration never needs this depth");
    }

    @Test
    void anAliasBombIsRefusedWhereItExplodes() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [");
        bomb.append("x, ".repeat(199)).append("x]\n");
        for (int i = 1; i <= 15; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
        }

        YamlFile yaml = YamlFile.parse(bomb.toString(), "bomb.yaml");

        assertThat(yaml.root()).isNull();
        assertThat(yaml.problems()).hasSize(1);
        assertThat(yaml.problems().get(0).toString())
                .startsWith("bomb.yaml:5:")
                .contains("aliases expand the document by more than 1000000 values")
                .contains("fix: write the values out, or nest fewer aliases");
    }

    @Test
    void aFewAliasesAreFine() {
        YamlFile yaml =
                YamlFile.parse(
                        "base: &base {a: 1, b: 2}\none: *base\ntwo: *base\n", "aliases.yaml");

        assertThat(yaml.problems()).isEmpty();
        assertThat(yaml.root()).isInstanceOf(MappingNode.class);
    }

    @Test
    void aByteThatIsNotUtf8IsPlacedAtItsLineAndColumn(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("routes.yaml");
        byte[] text = "hubName: h\nroutes: []\n# café \u00ff\n".getBytes("UTF-8");
        byte[] bytes = new byte[text.length];
        System.arraycopy(text, 0, bytes, 0, text.length);
        // replace the two bytes of U+00FF with a lone 0xFF
        int at = indexOf(bytes, (byte) 0xC3, 2); // é is C3 A9, ÿ is C3 BF: take the second C3
        bytes[at] = (byte) 0xFF;
        Files.write(file, bytes);

        YamlFile yaml = YamlFile.read(file);

        assertThat(yaml.root()).isNull();
        assertThat(yaml.problems())
                .singleElement()
                .hasToString(
                        file
                                + ":3:8: not UTF-8: byte 0xFF cannot start or continue a character\n"
                                + "    fix: save the file as UTF-8");
    }

    @Test
    void aMissingFileSaysSo(@TempDir Path directory) {
        YamlFile yaml = YamlFile.read(directory.resolve("nowhere.yaml"));

        assertThat(yaml.problems())
                .singleElement()
                .hasToString(
                        directory.resolve("nowhere.yaml")
                                + ":1:1: no such file\n    fix: check the path");
    }

    private static int indexOf(byte[] bytes, byte value, int occurrence) {
        int seen = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value && ++seen == occurrence) {
                return i;
            }
        }
        throw new AssertionError("no occurrence " + occurrence);
    }
}
