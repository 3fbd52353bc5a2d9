// The JVM as judge of client certificates: GET one HTTPS URL with the JVM's default SSL context, so
// that -Djavax.net.ssl.keyStore / keyStorePassword / keyStoreType and -Djavax.net.ssl.trustStore apply
// exactly as in an app server. Prints "STATUS <code>" (exit 0), or "FAILED <reason>" (exit 1).
//
// Usage: java ClientCertGet.java URL
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public class ClientCertGet {
    public static void main(String[] a) throws Exception {
        try {
            HttpsURLConnection c = (HttpsURLConnection) new URL(a[0]).openConnection();
            c.setConnectTimeout(10000);
            c.setReadTimeout(10000);
            System.out.println("STATUS " + c.getResponseCode());
        } catch (java.io.IOException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println("FAILED " + e + " | " + root.getMessage());
            System.exit(1);
        }
    }
}
