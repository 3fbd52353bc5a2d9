// The JVM as the judge of certificate signatures, for tests/signatures_jvm.rs.
//
//   java JdkSig verify CHILD PARENT...   one line per CHILD PARENT pair: "VALID", "INVALID <why>" (the
//                                         signature does not match, or its bytes are malformed) or
//                                         "ERROR <exception>" (the JVM cannot verify it: a curve it lacks,
//                                         an unsupported key or parameters)
//   java JdkSig pkix EPOCH_MS ANCHOR CERT...  PKIX validation (no revocation) of CERT... (leaf first)
//                                         against ANCHOR at EPOCH_MS: "VALID" or "INVALID <why>"
import java.io.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;

public class JdkSig {
    static X509Certificate read(String path) throws Exception {
        try (InputStream in = new FileInputStream(path)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public static void main(String[] a) throws Exception {
        if (a[0].equals("verify")) {
            for (int i = 1; i + 1 < a.length; i += 2) {
                X509Certificate child = read(a[i]);
                X509Certificate parent = read(a[i + 1]);
                try {
                    child.verify(parent.getPublicKey());
                    System.out.println("VALID");
                } catch (SignatureException e) {
                    // Does not match, or the signature bytes are malformed: invalid. Anything else
                    // (a curve SunEC lacks, …) is a signature the JVM cannot verify.
                    String m = String.valueOf(e.getMessage());
                    boolean invalid = m.startsWith("Signature does not match")
                        || m.startsWith("Invalid encoding for signature")
                        || m.startsWith("Bad signature length")
                        || m.startsWith("invalid signature")
                        || m.startsWith("Signature encoding error");
                    System.out.println((invalid ? "INVALID " : "ERROR ") + e);
                } catch (Exception e) {
                    System.out.println("ERROR " + e);
                }
            }
        } else {
            long at = Long.parseLong(a[1]);
            X509Certificate anchor = read(a[2]);
            List<X509Certificate> certs = new ArrayList<>();
            for (int i = 3; i < a.length; i++) certs.add(read(a[i]));
            PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            p.setRevocationEnabled(false);
            p.setDate(new Date(at));
            try {
                CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(certs), p);
                System.out.println("VALID");
            } catch (CertPathValidatorException e) {
                System.out.println("INVALID " + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
