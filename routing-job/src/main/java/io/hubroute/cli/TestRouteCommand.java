package io.hubroute.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** {@code hubroute test-route}: IoT Hub's "Test route" for one condition. */
final class TestRouteCommand implements Command {
    @Override
    public String name() {
        return "test-route";
    }

    @Override
    public String summary() {
        return "evaluate one condition against a message and twin (IoT Hub's Test route)";
    }

    @Override
    public String usage() {
        return "usage: hubroute test-route --condition TEXT [--source DeviceMessages] [--message FILE] [--twin FILE]\n"
                + "       hubroute test-route --jsonl < cases.jsonl";
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err) throws Exception {
        throw new UsageException("not implemented yet");
    }
}
