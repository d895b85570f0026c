package io.hubroute.routetest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** The outcomes of a suite's cases, in file order, and the reports written from them. */
public record RouteTestResults(Path casesFile, Path routesFile, List<RouteTestOutcome> outcomes) {
    private static final ObjectMapper MAPPER = Json.MAPPER;

    public RouteTestResults {
        Objects.requireNonNull(casesFile, "casesFile");
        Objects.requireNonNull(routesFile, "routesFile");
        outcomes = List.copyOf(outcomes);
    }

    public long failed() {
        return outcomes.stream().filter(outcome -> !outcome.passed()).count();
    }

    public long passed() {
        return outcomes.size() - failed();
    }

    /**
     * {@code {"cases": FILE, "routes": FILE, "passed": N, "failed": N, "results": [{"name": ...,
     * "passed": true, "failures": [...]}]}}, indented, with a final newline.
     */
    public String jsonReport() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("cases", casesFile.toString());
        root.put("routes", routesFile.toString());
        root.put("passed", passed());
        root.put("failed", failed());
        ArrayNode results = root.putArray("results");
        for (RouteTestOutcome outcome : outcomes) {
            ObjectNode entry = results.addObject();
            entry.put("name", outcome.name());
            entry.put("passed", outcome.passed());
            ArrayNode failures = entry.putArray("failures");
            outcome.failures().forEach(failures::add);
        }
        try {
            return Json.PRETTY.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
        }
    }

    /**
     * Writes the results as a JUnit XML report (the surefire layout CI servers read): one {@code
     * testsuite} named after the cases file, one {@code testcase} per case, a {@code failure} with
     * every difference for a failed one. UTF-8; {@code out} is left open.
     */
    public void writeJunitXml(OutputStream out) throws IOException {
        String suite = casesFile.getFileName().toString();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", suite);
            xml.writeAttribute("tests", Integer.toString(outcomes.size()));
            xml.writeAttribute("failures", Long.toString(failed()));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", "0");
            xml.writeCharacters("\n");
            for (RouteTestOutcome outcome : outcomes) {
                xml.writeCharacters("  ");
                if (outcome.passed()) {
                    xml.writeEmptyElement("testcase");
                    xml.writeAttribute("classname", suite);
                    xml.writeAttribute("name", outcome.name());
                } else {
                    xml.writeStartElement("testcase");
                    xml.writeAttribute("classname", suite);
                    xml.writeAttribute("name", outcome.name());
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("failure");
                    xml.writeAttribute("message", outcome.failures().get(0));
                    xml.writeCharacters(String.join("\n", outcome.failures()));
                    xml.writeEndElement();
                    xml.writeCharacters("\n  ");
                    xml.writeEndElement();
                }
                xml.writeCharacters("\n");
            }
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the JUnit XML report: " + e.getMessage(), e);
        }
    }
}
