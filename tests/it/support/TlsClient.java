// A minimal JVM TLS client for trustpath's tests: the JVM is the judge of trust.
//
// Usage: java -cp DIR TlsClient CONNECT_HOST PORT SERVER_NAME [TRUSTSTORE TYPE PASSWORD]
// With TRUSTSTORE it builds its trust managers from that store (TYPE = JKS, PKCS12, …; PASSWORD "-" means
// none); without it, it uses the JVM defaults, so -Djavax.net.ssl.trustStore=… applies exactly as in an app
// server. SNI and HTTPS endpoint identification use SERVER_NAME. Prints "TRUSTED" or
// "UNTRUSTED <reason>" and exits 0 / 1; other failures exit 2.
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.*;

public class TlsClient {
    public static void main(String[] a) throws Exception {
        String connectHost = a[0];
        int port = Integer.parseInt(a[1]);
        String serverName = a[2];
        SSLSocketFactory factory;
        if (a.length >= 6) {
            KeyStore ks = KeyStore.getInstance(a[4]);
            char[] pw = a[5].equals("-") ? null : a[5].toCharArray();
            try (FileInputStream in = new FileInputStream(a[3])) {
                ks.load(in, pw);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            factory = ctx.getSocketFactory();
        } else {
            factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(connectHost, port), 10000);
        plain.setSoTimeout(10000);
        try (SSLSocket s = (SSLSocket) factory.createSocket(plain, serverName, port, true)) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!serverName.matches("[0-9.]+") && !serverName.contains(":")) {
                p.setServerNames(List.of(new SNIHostName(serverName)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            System.out.println("TRUSTED");
        } catch (SSLException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println("UNTRUSTED " + e.getMessage() + " | " + root.getMessage());
            System.exit(1);
        }
    }
}
