package io.hubroute.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.query.SourcePosition;
import java.util.List;
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
}
