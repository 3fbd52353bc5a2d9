// The JVM as the judge of an app's outbound TLS connections, for trustpath's tests.
//
// Usage: java -cp DIR OutboundClient PROTO HOST PORT SERVER_NAME TRUSTSTORE TYPE PASSWORD
// PROTO says how TLS starts:
//   smtp, imap, pop3, postgres  the protocol's STARTTLS exchange on a plain socket (SMTP STARTTLS, IMAP
//                               STARTTLS, POP3 STLS, PostgreSQL SSLRequest), then an SSLSocket layered over
//                               it, as JavaMail and the PostgreSQL JDBC driver do;
//   ldap                        JNDI's own StartTLS: InitialLdapContext + StartTlsRequest, negotiate();
//   tls, ldaps                  TLS from the first byte (ldaps identifies the endpoint as JNDI does, "LDAPS").
// With -Dtunnel=PROXY_PORT the socket goes to the HTTP proxy on 127.0.0.1:PROXY_PORT, which is asked for a
// CONNECT tunnel to SERVER_NAME:PORT first (what HttpsURLConnection does for https.proxyHost).
// Trust comes from TRUSTSTORE (TYPE = JKS, PKCS12; PASSWORD "-" means none); SNI and endpoint identification
// use SERVER_NAME. Prints "TRUSTED" or "UNTRUSTED <reason>" and exits 0 / 1; other failures exit 2.
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.StartTlsRequest;
import javax.naming.ldap.StartTlsResponse;
import javax.net.ssl.*;

public class OutboundClient {
    public static void main(String[] a) throws Exception {
        String proto = a[0];
        String host = a[1];
        int port = Integer.parseInt(a[2]);
        String name = a[3];
        KeyStore ks = KeyStore.getInstance(a[5]);
        char[] pw = a[6].equals("-") ? null : a[6].toCharArray();
        try (FileInputStream in = new FileInputStream(a[4])) {
            ks.load(in, pw);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocketFactory factory = ctx.getSocketFactory();
        try {
            if (proto.equals("ldap")) {
                Hashtable<String, String> env = new Hashtable<>();
                env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
                String urlHost = name.contains(":") ? "[" + name + "]" : name;
                env.put(Context.PROVIDER_URL, "ldap://" + urlHost + ":" + port);
                env.put("com.sun.jndi.ldap.connect.timeout", "10000");
                env.put("com.sun.jndi.ldap.read.timeout", "10000");
                LdapContext ldap = new InitialLdapContext(env, null);
                StartTlsResponse tls = (StartTlsResponse) ldap.extendedOperation(new StartTlsRequest());
                tls.negotiate(factory);
                tls.close();
                ldap.close();
            } else {
                Socket plain = new Socket();
                String tunnel = System.getProperty("tunnel");
                if (tunnel != null) {
                    plain.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(tunnel)), 10000);
                    plain.setSoTimeout(10000);
                    send(plain.getOutputStream(), "CONNECT " + name + ":" + port + " HTTP/1.1\r\nHost: " + name + ":" + port + "\r\n\r\n");
                    String status = line(plain.getInputStream());
                    if (!status.matches("HTTP/1\\.[01] 2\\d\\d.*")) throw new IOException("CONNECT answered: " + status);
                    while (!line(plain.getInputStream()).isEmpty()) {}
                } else {
                    plain.connect(new InetSocketAddress(host, port), 10000);
                    plain.setSoTimeout(10000);
                }
                preamble(proto, plain);
                try (SSLSocket s = (SSLSocket) factory.createSocket(plain, name, port, true)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm(proto.equals("ldaps") ? "LDAPS" : "HTTPS");
                    if (!name.contains(":") && !name.matches("[0-9.]+")) {
                        p.setServerNames(List.of(new SNIHostName(name)));
                    }
                    s.setSSLParameters(p);
                    s.startHandshake();
                }
            }
            System.out.println("TRUSTED");
        } catch (SSLException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println("UNTRUSTED " + e.getMessage() + " | " + root.getMessage());
            System.exit(1);
        }
    }

    static void preamble(String proto, Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        switch (proto) {
            case "smtp" -> {
                expect(smtpReply(in), "220");
                send(out, "EHLO localhost\r\n");
                expect(smtpReply(in), "250");
                send(out, "STARTTLS\r\n");
                expect(smtpReply(in), "220");
            }
            case "imap" -> {
                expect(line(in), "* OK");
                send(out, "j1 STARTTLS\r\n");
                String l;
                do {
                    l = line(in);
                } while (!l.startsWith("j1 "));
                expect(l, "j1 OK");
            }
            case "pop3" -> {
                expect(line(in), "+OK");
                send(out, "STLS\r\n");
                expect(line(in), "+OK");
            }
            case "postgres" -> {
                out.write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
                out.flush();
                int b = in.read();
                if (b != 'S') throw new IOException("SSLRequest answered " + b);
            }
            case "tls", "ldaps" -> {}
            default -> throw new IllegalArgumentException(proto);
        }
    }

    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static void expect(String got, String prefix) throws IOException {
        if (!got.startsWith(prefix)) throw new IOException("expected " + prefix + ", got: " + got);
    }

    /** One line, read a byte at a time so that nothing after it is consumed. */
    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("closed after: " + b);
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    static String smtpReply(InputStream in) throws IOException {
        String l;
        do {
            l = line(in);
        } while (l.length() > 3 && l.charAt(3) == '-');
        return l;
    }
}
