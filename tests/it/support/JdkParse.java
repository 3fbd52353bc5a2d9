// The JDK's X.509 parser as a judge for trustpath's model of it (tests/jdk_parse.rs).
//
// Reads certificates from stdin, each as a 4-byte big-endian length and that many bytes, and prints one
// line per certificate: "OK" when CertificateFactory.getInstance("X.509").generateCertificate accepts it,
// else "ERR " and the exception (class: message, causes appended, line breaks as spaces). One JVM judges
// a whole batch.
import java.io.*;
import java.security.cert.*;

public class JdkParse {
    public static void main(String[] args) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        while (true) {
            int n;
            try {
                n = in.readInt();
            } catch (EOFException e) {
                break;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            try {
                cf.generateCertificate(new ByteArrayInputStream(b));
                out.println("OK");
            } catch (Throwable t) {
                StringBuilder sb = new StringBuilder("ERR ");
                for (Throwable c = t; c != null; c = c.getCause()) {
                    if (c != t) sb.append(" | ");
                    sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
                }
                out.println(sb.toString().replace('\n', ' ').replace('\r', ' '));
            }
        }
        out.flush();
    }
}
