// The JVM as the judge of a deployment check: TLS handshakes, HTTP requests with their redirects, and
// WebSocket upgrades, made by the JDK's own clients with the deployment's truststore (loaded into the
// default PKIX trust manager, as an app server given it as javax.net.ssl.trustStore does) and names
// resolved through -Djdk.net.hosts.file, so the JVM sees exactly the names and URLs trustpath checked.
//
// Usage: java -Djdk.net.hosts.file=… -Djdk.httpclient.allowRestrictedHeaders=connection -cp DIR
// DeployJudge, then on stdin, per deployment (one JVM judges
// them all, each with fresh TLS and HTTP clients):
//   truststore PATH TYPE PASSWORD   starts a batch judged with that store
//   tls NAME HOST PORT       → tls NAME trusted | tls NAME untrusted REASON | tls NAME failed REASON
//                              (an SSLSocket with SNI and HTTPS endpoint identification)
//   http NAME URL follow|first
//                            → hop NAME INDEX URL STATUS per answer, hoperr NAME INDEX URL REASON when a
//                              request fails (java.net.http, HTTP/1.1, redirects followed one by one as
//                              trustpath follows them: 301/302/303/307/308, at most 10, none twice)
//   ws NAME URL              → ws NAME upgraded echoed | ws NAME status CODE | ws NAME failed REASON
//                              (java.net.http.WebSocket; a text message must come back unchanged)
//   end                      → end (the batch is done)
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.KeyStore;
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
import javax.net.ssl.TrustManagerFactory;

public class DeployJudge {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        SSLContext tls = null;
        HttpClient client = null;
        for (String line; (line = in.readLine()) != null; ) {
            String[] t = line.trim().split(" ");
            switch (t[0]) {
                case "truststore" -> {
                    tls = context(t[1], t[2], t[3]);
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(TIMEOUT)
                            .sslContext(tls)
                            .build();
                }
                case "tls" -> tls(tls.getSocketFactory(), t[1], t[2], Integer.parseInt(t[3]));
                case "http" -> http(client, t[1], URI.create(t[2]), t.length > 3 && t[3].equals("follow"));
                case "ws" -> ws(client, t[1], URI.create(t[2]));
                case "end" -> System.out.println("end");
                default -> throw new IllegalArgumentException("unknown task: " + line);
            }
            System.out.flush();
        }
    }

    static SSLContext context(String path, String type, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (FileInputStream in = new FileInputStream(path)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static String oneLine(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) out.append(" | ").append(c);
        return out.toString().replace('\n', ' ').replace('\r', ' ');
    }

    static void tls(SSLSocketFactory factory, String name, String host, int port) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
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
                // Connection: close, as trustpath sends it: no connection outlives its request (so the
                // servers of one deployment stop at once when the next is judged).
                HttpRequest request = HttpRequest.newBuilder(url)
                        .timeout(TIMEOUT)
                        .header("Connection", "close")
                        .GET()
                        .build();
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
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoed.complete(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closed.complete(status);
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
            // Close as a browser does, then drop the connection whatever the server did.
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            try {
                closed.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The server did not answer the close: the abort below ends it anyway.
            }
            ws.abort();
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
