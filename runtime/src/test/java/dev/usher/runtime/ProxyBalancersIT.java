package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Usher runtimes behind a real load balancer that speaks the PROXY protocol: HAProxy with
 * {@code send-proxy-v2}, and nginx's stream module with {@code proxy_protocol on} (version 1).
 * The client connects from 127.0.0.2, the balancer from 127.0.0.1: each node's access log shows
 * 127.0.0.2 for every request, and both nodes served some. HAProxy checks each node's health at
 * the status's {@code /usher/health}, as README's scaling-out section says to. Then one node is
 * drained with TERM while the client goes on: the balancer sends its requests to the other, and
 * none fails.
 */
class ProxyBalancersIT {

    private static final int CONNECTIONS = 12;
    private static final String CLIENT_ADDRESS = "127.0.0.2";

    @TempDir
    Path directory;

    @Test
    void behindHaproxyWithSendProxyV2() throws Exception {
        Assumptions.assumeTrue(installed("haproxy", "-v"), "haproxy is not installed");
        behindBalancer("v2", (front, a, b) -> {
            Path config = directory.resolve("haproxy.cfg");
            Files.writeString(config, String.join("\n",
                    "global",
                    "  maxconn 256",
                    "defaults",
                    "  mode tcp",
                    // a node that refuses (draining) costs a retry on the other, not the client's request
                    "  retries 3",
                    "  option redispatch",
                    "  timeout connect 5s",
                    "  timeout client 30s",
                    "  timeout server 30s",
                    "frontend front",
                    "  bind 127.0.0.1:" + front,
                    "  default_backend nodes",
                    "backend nodes",
                    "  balance roundrobin",
                    // the status's health check, with a PROXY header (LOCAL: the node sees the balancer)
                    "  option httpchk GET /usher/health",
                    "  http-check expect status 200",
                    "  default-server check check-send-proxy inter 300 fall 1 rise 1",
                    "  server a 127.0.0.1:" + a + " send-proxy-v2",
                    "  server b 127.0.0.1:" + b + " send-proxy-v2",
                    ""));
            return new ProcessBuilder("haproxy", "-db", "-f", config.toString());
        });
    }

    @Test
    void behindNginxStreamWithProxyProtocol() throws Exception {
        Path module = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
        Assumptions.assumeTrue(installed("nginx", "-v") && Files.exists(module),
                "nginx and its stream module (libnginx-mod-stream) are not installed");
        behindBalancer("v1", (front, a, b) -> {
            Path config = directory.resolve("nginx.conf");
            Files.writeString(config, String.join("\n",
                    "load_module " + module + ";",
                    "daemon off;",
                    "pid " + directory.resolve("nginx.pid") + ";",
                    "error_log " + directory.resolve("nginx-error.log") + " info;",
                    "events { worker_connections 256; }",
                    "stream {",
                    "  upstream nodes { server 127.0.0.1:" + a + "; server 127.0.0.1:" + b + "; }",
                    "  server { listen 127.0.0.1:" + front + "; proxy_pass nodes; proxy_protocol on; }",
                    "}",
                    ""));
            return new ProcessBuilder("nginx", "-p", directory.toString(), "-c", config.toString());
        });
    }

    /** How to start a balancer on {@code front} in front of the nodes on ports {@code a} and {@code b}. */
    @FunctionalInterface
    private interface Balancer {
        ProcessBuilder command(int front, int a, int b) throws IOException;
    }

    private void behindBalancer(String version, Balancer balancer) throws Exception {
        int a = UsherRun.freePort();
        int b = UsherRun.freePort();
        int front = UsherRun.freePort();
        Path aLog = directory.resolve("a-access.log");
        Path bLog = directory.resolve("b-access.log");
        Files.createDirectories(directory.resolve("a"));
        Files.createDirectories(directory.resolve("b"));
        try (UsherRun nodeA = node(directory.resolve("a"), a, version, aLog);
                UsherRun nodeB = node(directory.resolve("b"), b, version, bLog)) {
            nodeA.awaitServing();
            nodeB.awaitServing();
            Process process = balancer.command(front, a, b).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("balancer.out").toFile()).start();
            try {
                nodeA.poll("the balancer listening on port " + front, Duration.ofSeconds(20), () -> {
                    try (Socket probe = new Socket()) {
                        probe.connect(new InetSocketAddress("127.0.0.1", front), 1000);
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
                for (int i = 0; i < CONNECTIONS; i++) {
                    assertEquals("Hello, World!", get(front), () -> balancerOutput());
                }
                List<String> hosts = new ArrayList<>();
                nodeA.poll("both nodes logging requests", Duration.ofSeconds(20), () -> {
                    hosts.clear();
                    hosts.addAll(requestHosts(aLog));
                    int fromA = hosts.size();
                    hosts.addAll(requestHosts(bLog));
                    return hosts.size() >= CONNECTIONS && fromA > 0 && fromA < hosts.size();
                });
                for (String host : hosts) {
                    assertEquals(CLIENT_ADDRESS, host, "the client's address, not the balancer's");
                }
                if (version.equals("v2")) {
                    nodeA.poll("HAProxy's health checks answered", Duration.ofSeconds(20),
                            () -> healthChecks(aLog) > 0 && healthChecks(bLog) > 0);
                }

                // node A drains: its listener closes at once, and the balancer goes to B
                nodeA.signal("TERM");
                assertEquals(0, nodeA.awaitExit(UsherRun.SHUTDOWN), nodeA.console()::text);
                int servedByB = requestHosts(bLog).size();
                for (int i = 0; i < CONNECTIONS; i++) {
                    assertEquals("Hello, World!", get(front), () -> balancerOutput());
                }
                nodeB.poll("node B to log the requests A no longer takes", Duration.ofSeconds(20),
                        () -> requestHosts(bLog).size() >= servedByB + CONNECTIONS);
            } finally {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            nodeB.signal("TERM");
            assertEquals(0, nodeB.awaitExit(UsherRun.SHUTDOWN), nodeB.console()::text);
        }
    }

    private UsherRun node(Path home, int port, String version, Path accessLog) throws IOException {
        Path etc = Files.createDirectories(home.resolve("etc"));
        // the status, for the balancer's health checks: they come from 127.0.0.1, which it allows by default
        Files.writeString(etc.resolve("dev.usher.status.cfg"), "mount=/usher\n");
        return UsherRun.start(home, "-b", "127.0.0.1:" + port, "-w", "1", "--proxy-protocol", version,
                "--access-logfile", accessLog.toString());
    }

    /** A GET of / through the balancer on a new connection from {@value #CLIENT_ADDRESS}; the body. */
    private static String get(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(CLIENT_ADDRESS, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** The health checks answered 200 in an access log. */
    private static long healthChecks(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(line -> line.contains("/usher/health HTTP/1.0\" 200")
                    || line.contains("/usher/health HTTP/1.1\" 200")).count();
        } catch (IOException notYet) {
            return 0;
        }
    }

    /** The first field (%(h)s) of each line of an access log but the health checks'; none while it does not exist. */
    private static List<String> requestHosts(Path log) {
        List<String> hosts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank() && !line.contains("/usher/health")) {
                    hosts.add(line.substring(0, line.indexOf(' ')));
                }
            }
        } catch (IOException notYet) {
            // written with the first request's line
        }
        return hosts;
    }

    private String balancerOutput() {
        try {
            return Files.readString(directory.resolve("balancer.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean installed(String command, String versionFlag) {
        try {
            Process process = new ProcessBuilder(command, versionFlag).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
