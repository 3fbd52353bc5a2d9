// The JVM as the judge of a deployment check: TLS handshakes, HTTP requests with their redirects, and
// WebSocket upgrades, made by the JDK's own clients with the truststore given as
// -Djavax.net.ssl.trustStore (as the app server is configured) and names resolved through
// -Djdk.net.hosts.file, so the JVM sees exactly the names and URLs trustpath checked.
//
// Usage: java -Djavax.net.ssl.trustStore=… -Djdk.net.hosts.file=… -cp DIR DeployJudge TASKS_FILE
// Each line of TASKS_FILE is one task; each answer is one line on stdout:
//   tls NAME HOST PORT       → tls NAME trusted | tls NAME untrusted REASON | tls NAME failed REASON
//                              (an SSLSocket with SNI and HTTPS endpoint identification)
//   http NAME URL follow|first
//                            → hop NAME INDEX URL STATUS per answer, hoperr NAME INDEX URL REASON when a
//                              request fails (java.net.http, HTTP/1.1, redirects followed one by one as
//                              trustpath follows them: 301/302/303/307/308, at most 10, none twice)
//   ws NAME URL              → ws NAME upgraded echoed | ws NAME status CODE | ws NAME failed REASON
//                              (java.net.http.WebSocket; a text message must come back unchanged)
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

public class DeployJudge {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT)
                .sslContext(SSLContext.getDefault())
                .build();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] t = line.trim().split(" ");
            if (t.length < 3) continue;
            switch (t[0]) {
                case "tls" -> tls(t[1], t[2], Integer.parseInt(t[3]));
                case "http" -> http(client, t[1], URI.create(t[2]), t.length > 3 && t[3].equals("follow"));
                case "ws" -> ws(client, t[1], URI.create(t[2]));
                default -> throw new IllegalArgumentException("unknown task: " + line);
            }
        }
    }

    static String oneLine(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) out.append(" | ").append(c);
        return out.toString().replace('\n', ' ').replace('\r', ' ');
    }

    static void tls(String name, String host, int port) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
            try (SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true)) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.matches("[0-9.]+") && !host.contains(":")) {
                    p.setServerNames(List.of(new SNIHostName(host)));
                }
                s.setSSLParameters(p);
                s.startHandshake();
                System.out.println("tls " + name + " trusted");
            } catch (SSLException e) {
                System.out.println("tls " + name + " untrusted " + oneLine(e));
            }
        } catch (IOException e) {
            System.out.println("tls " + name + " failed " + oneLine(e));
        }
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static void http(HttpClient client, String name, URI url, boolean follow) {
        List<URI> seen = new ArrayList<>();
        for (int i = 0; ; i++) {
            seen.add(url);
            HttpResponse<String> r;
            try {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
                r = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException | IllegalArgumentException e) {
                System.out.println("hoperr " + name + " " + i + " " + url + " " + oneLine(e));
                return;
            }
            System.out.println("hop " + name + " " + i + " " + url + " " + r.statusCode());
            String location = r.headers().firstValue("location").orElse(null);
            if (!follow || !isRedirect(r.statusCode()) || location == null || i >= 10) return;
            URI next = url.resolve(location.trim());
            if (seen.contains(next)) return;
            url = next;
        }
    }

    static void ws(HttpClient client, String name, URI url) {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoed.complete(data.toString());
                return null;
            }
        };
        try {
            WebSocket ws = client.newWebSocketBuilder()
                    .connectTimeout(TIMEOUT)
                    .buildAsync(url, listener)
                    .get(15, TimeUnit.SECONDS);
            ws.sendText("trustpath-echo", true).get(10, TimeUnit.SECONDS);
            String back = echoed.get(10, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            System.out.println("ws " + name + " upgraded "
                    + (back.equals("trustpath-echo") ? "echoed" : "echo-mismatch"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                System.out.println("ws " + name + " status " + h.getResponse().statusCode());
            } else {
                System.out.println("ws " + name + " failed " + oneLine(e.getCause()));
            }
        } catch (Exception e) {
            System.out.println("ws " + name + " failed " + oneLine(e));
        }
    }
}
