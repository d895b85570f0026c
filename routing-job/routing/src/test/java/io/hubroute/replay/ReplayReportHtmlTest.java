package io.hubroute.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayReport.EndpointCounts;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.HourRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Side;
import io.hubroute.replay.ReplayReport.Totals;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReplayReportHtmlTest {
    private static ReplayReport sixMessages(String source) {
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 10);
        new ReplayFixtures.Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate())
                .replay(tally, ReplayTallyTest.sixMessages());
        tally.addUndecodable("no connectionDeviceId", "hub-events/0/17");
        return tally.report(source);
    }

    /** Parses the page as XML: it fails on anything not well-formed, unescaped text included. */
    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> select(Document document, String xpath) throws Exception {
        NodeList nodes =
                (NodeList)
                        XPathFactory.newInstance()
                                .newXPath()
                                .evaluate(xpath, document, XPathConstants.NODESET);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    private static long value(Element element) {
        return Long.parseLong(element.getAttribute("data-value"));
    }

    private static String tooltip(Element element) {
        return element.getElementsByTagName("title").item(0).getTextContent();
    }

    @Test
    void routeBarsCarryTheReportsCounts() throws Exception {
        ReplayReport report = sixMessages("six messages");
        Document page = parse(ReplayReportHtml.render(report));

        Map<String, Long> drawn = new HashMap<>();
        for (Element bar : select(page, "//*[local-name()='rect'][@data-route]")) {
            String key =
                    bar.getAttribute("data-route")
                            + "/"
                            + bar.getAttribute("data-side")
                            + "/"
                            + bar.getAttribute("data-result");
            assertThat(drawn.put(key, value(bar))).as("one bar for %s", key).isNull();
            assertThat(tooltip(bar)).endsWith(" " + value(bar));
        }
        Map<String, Long> expected = new HashMap<>();
        for (RouteRow row : report.routes()) {
            for (Side side : Side.values()) {
                RouteCounts counts = row.side(side);
                for (RouteResult result : RouteResult.values()) {
                    if (counts != null) {
                        expected.put(
                                row.name() + "/" + side.text() + "/" + result.text(),
                                counts.count(result));
                    }
                }
            }
        }
        assertThat(drawn).isEqualTo(expected).containsEntry("Building/candidate/undefined", 2L);
    }

    @Test
    void endpointBarsCarryTheReportsDeliveriesAtOneScale() throws Exception {
        ReplayReport report = sixMessages("six messages");
        Document page = parse(ReplayReportHtml.render(report));

        Map<String, Long> drawn = new HashMap<>();
        double scale = Double.NaN;
        for (Element bar : select(page, "//*[local-name()='rect'][@data-endpoint]")) {
            drawn.put(
                    bar.getAttribute("data-endpoint") + "/" + bar.getAttribute("data-side"),
                    value(bar));
            double perDelivery = Double.parseDouble(bar.getAttribute("width")) / value(bar);
            if (Double.isNaN(scale)) {
                scale = perDelivery;
            }
            assertThat(perDelivery).isCloseTo(scale, offset(0.1));
        }
        Map<String, Long> expected = new HashMap<>();
        for (EndpointRow row : report.endpoints()) {
            for (Side side : Side.values()) {
                if (row.side(side) != null) {
                    expected.put(row.name() + "/" + side.text(), row.deliveries(side));
                }
            }
        }
        assertThat(drawn).isEqualTo(expected).containsEntry("events/candidate", 3L);
    }

    @Test
    void timelinePointsCarryTheDeliveriesOfEachHour() throws Exception {
        ReplayReport report = sixMessages("six messages");
        Document page = parse(ReplayReportHtml.render(report));

        Map<String, Long> drawn = new HashMap<>();
        for (Element point : select(page, "//*[local-name()='circle'][@data-hour]")) {
            drawn.put(
                    point.getAttribute("data-endpoint")
                            + "/"
                            + point.getAttribute("data-side")
                            + "/"
                            + point.getAttribute("data-hour"),
                    value(point));
            assertThat(tooltip(point)).contains(point.getAttribute("data-hour"));
        }
        Map<String, Long> expected = new HashMap<>();
        for (EndpointRow endpoint : report.endpoints()) {
            for (Side side : Side.values()) {
                boolean charted =
                        endpoint.deliveries(Side.BASELINE) + endpoint.deliveries(Side.CANDIDATE)
                                > 0;
                if (endpoint.side(side) == null || !charted) {
                    continue;
                }
                for (HourRow hour : report.deliveriesByHour()) {
                    expected.put(
                            endpoint.name() + "/" + side.text() + "/" + hour.hour(),
                            hour.deliveries(side, endpoint.name()));
                }
            }
        }
        assertThat(drawn)
                .isEqualTo(expected)
                .containsEntry("C/candidate/2024-05-01T12:00:00Z", 1L)
                .containsEntry("B/baseline/2024-05-01T12:00:00Z", 0L);
    }

    @Test
    void thePageFetchesNothingAndRunsNothing() throws Exception {
        String html =
                ReplayReportHtml.render(
                        sixMessages("blobs of https://example.blob.core.windows.net/archive"));

        assertThat(html.toLowerCase(Locale.ROOT))
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContain("<script")
                .doesNotContain("<link")
                .doesNotContain("<img")
                .doesNotContain("<iframe")
                .doesNotContain("src=")
                .doesNotContain("href=")
                .doesNotContain("url(")
                .doesNotContain("@import");
        Document page = parse(html);
        for (Element element : select(page, "//*")) {
            for (int i = 0; i < element.getAttributes().getLength(); i++) {
                assertThat(element.getAttributes().item(i).getNodeName())
                        .as("an event handler attribute")
                        .doesNotStartWith("on");
            }
        }
        assertThat(page.getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo(
                        "hubroute replay: blobs of https://example.blob.core.windows.net/archive");
        assertThat(select(page, "//*[local-name()='svg']")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void namesReasonsAndIdsAreEscaped() throws Exception {
        String route = "<script>alert(\"route\")</script>";
        String endpoint = "a\"b'c&d</title>";
        String device = "\"><img src=x onerror=alert(1)>";
        String reason = "</td></tr></table><script>alert('reason')</script>";
        ReplayReport report =
                new ReplayReport(
                        "source </title><script>alert(1)</script>\u0000",
                        1,
                        Instant.parse("2024-05-01T10:00:00Z"),
                        Instant.parse("2024-05-01T10:00:00Z"),
                        1,
                        new Totals(0, 0, 0, 0),
                        new Totals(1, 0, 0, 0),
                        List.of(new RouteRow(route, null, new RouteCounts(1, 0, 0))),
                        List.of(new EndpointRow(endpoint, null, new EndpointCounts(1, 0))),
                        List.of(
                                new Sample(
                                        new ReplayedMessage(
                                                "<b>id</b>", device, null, 1714557600000L),
                                        new SampleSide(List.of(), false),
                                        new SampleSide(List.of(endpoint), false),
                                        List.of(new RouteChange(route, null, RouteResult.TRUE)),
                                        1)),
                        List.of(new UndefinedReason(Side.CANDIDATE, reason, 1)),
                        List.of(
                                new HourRow(
                                        Instant.parse("2024-05-01T10:00:00Z"),
                                        1,
                                        Map.of(),
                                        Map.of(endpoint, 1L))),
                        1,
                        List.of(new Undecodable(reason, "<where>")),
                        1,
                        List.of(new UnreadableBlob("<blob>", reason)));

        String html = ReplayReportHtml.render(report);
        Document page = parse(html);

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>");
        assertThat(page.getElementsByTagName("script").getLength()).isZero();
        assertThat(page.getElementsByTagName("img").getLength()).isZero();
        assertThat(select(page, "//*[local-name()='rect'][@data-route]"))
                .extracting(bar -> bar.getAttribute("data-route"))
                .containsOnly(route);
        assertThat(select(page, "//*[local-name()='rect'][@data-endpoint]"))
                .extracting(bar -> bar.getAttribute("data-endpoint"))
                .containsExactly(endpoint);
        assertThat(select(page, "//table[@class='samples']//td"))
                .extracting(Element::getTextContent)
                .contains(device, "<b>id</b>", endpoint);
        assertThat(select(page, "//table[@class='reasons']//td"))
                .extracting(Element::getTextContent)
                .contains(reason);
        assertThat(page.getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo("hubroute replay: source </title><script>alert(1)</script>\uFFFD");
    }

    @Test
    void anEmptyReportIsAPageToo() throws Exception {
        ReplayReport empty =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 3)
                        .report("nothing");

        Document page = parse(ReplayReportHtml.render(empty));

        assertThat(select(page, "//*[local-name()='circle']")).isEmpty();
        assertThat(select(page, "//*[local-name()='rect'][@data-route]"))
                .hasSize((2 + 4) * RouteResult.values().length)
                .allSatisfy(bar -> assertThat(value(bar)).isZero());
    }
}
