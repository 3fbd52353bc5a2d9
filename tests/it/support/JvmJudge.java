// The JVM as a batch judge for trustpath's tests: one process judges many chains the way a JSSE TLS client
// does, at a set instant, and writes one verdict line per case.
//
// Usage: java --add-exports java.base/sun.security.validator=ALL-UNNAMED
//             --add-exports java.base/sun.security.tools.keytool=ALL-UNNAMED
//             --add-exports java.base/sun.security.x509=ALL-UNNAMED
//             --add-opens java.base/sun.security.ssl=ALL-UNNAMED
//             -cp DIR JvmJudge MANIFEST OUTPUT
//
// MANIFEST has one case per line, tab-separated:
//   id  store-type(JKS|PKCS12|PEM)  store-path  store-password("-" = none)  host("-" = no endpoint
//   identification)  instant(ms since the epoch)  served chain (base64 DER, comma-separated, leaf first)
//   [protocol: "TLSv1.3" (the default when absent) or "TLSv1.2"]
// OUTPUT gets a "#calibration ..." line, then per case:
//   id TAB TRUSTED
//   id TAB UNTRUSTED TAB exception class TAB message TAB innermost cause ("class: message")
//
// Which JDK path this reproduces, and why it is the one a TLS client takes (read in
// sun/security/ssl/X509TrustManagerImpl.java, sun/security/validator/*.java of JDK 17 and 25):
//
// 1. Trust set. The store is loaded as a KeyStore (JKS or PKCS12 from the file; a PEM bundle is loaded with
//    CertificateFactory.generateCertificates into an empty in-memory PKCS12 KeyStore, since the JDK has no PEM
//    keystore type) and given to TrustManagerFactory.getInstance(getDefaultAlgorithm()).init(ks): the
//    default "PKIX" factory builds X509TrustManagerImpl(TYPE_PKIX, TrustStoreUtil.getTrustedCerts(ks)) --
//    every trusted-certificate entry plus the first certificate of every key entry -- exactly what an app
//    server gets from -Djavax.net.ssl.trustStore.
// 2. The validator, at a set instant. X509TrustManagerImpl creates its TLS-server validator lazily with
//    Validator.getInstance(TYPE_PKIX, VAR_TLS_SERVER, trustedCerts). The judge calls that same private
//    getValidator(VAR_TLS_SERVER) by reflection, sets the validator's validation date
//    (Validator.setValidationDate, which PKIXValidator passes to PKIXParameters.setDate for both its
//    validate and build paths) and stores it in the trust manager's serverValidator field. Nothing else is
//    replaced: the verdict comes from the trust manager's own checkServerTrusted.
// 3. The call a TLS 1.3 client makes. CertificateMessage.T13CertificateConsumer.checkServerCerts parses the
//    served certificates with CertificateFactory ("X.509"; a parse failure is fatal) and calls
//    X509ExtendedTrustManager.checkServerTrusted(chain, "UNKNOWN", engine). The judge does the same with an
//    SSLEngine whose handshake session reports what a real client's session reports: protocol, the local
//    supported signature algorithms (from which X509TrustManagerImpl builds the SSLAlgorithmConstraints it
//    hands to the validator: the signature schemes the client accepts in certificates plus
//    jdk.tls.disabledAlgorithms; jdk.certpath.disabledAlgorithms applies inside the validator), the
//    requested server names and the peer host. Protocol, authType and the signature algorithms are not
//    guessed: at start-up the judge runs one real in-memory TLS handshake (SSLEngine client and server of
//    this JDK with their defaults) and records what the client's trust manager was called with; and a
//    second one with the client limited to TLSv1.2, for the cases judged as a TLS 1.2 connection (their
//    authType is then the key exchange of an ECDHE suite for the leaf's key, as TLS 1.2 passes it: the
//    default jdk.tls.disabledAlgorithms leaves no RSA key exchange).
// 4. Endpoint identification. The engine's SSLParameters ask for "HTTPS", so X509TrustManagerImpl runs its
//    own checkIdentity: the SNI host name first (the JDK's own choice of SNI: a client SSLEngine created
//    for the host, as SSLContext.createSSLEngine(host, port) does, which drops a trailing dot and sends no
//    SNI for IP literals or single-label names), then the peer host with a trailing dot removed, with
//    HostnameChecker TYPE_TLS and its IDN normalisation; chainsToPublicCA from the JDK's own cacerts. This
//    is the client of HttpsURLConnection and of libraries that leave SNI to JSSE. With host "-" there is no
//    identification, as for a client that does not set an endpoint identification algorithm.
// 5. Revocation stays off (com.sun.net.ssl.checkRevocation is false by default), no OCSP responses are
//    stapled, and the JVM never fetches AIA URLs.
import java.io.*;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

import sun.security.tools.keytool.CertAndKeyGen;
import sun.security.validator.Validator;
import sun.security.x509.X500Name;

public final class JvmJudge {
    /** What a real TLS client's trust manager was called with, recorded once per process. */
    static final class Calibration {
        String protocol;
        String authType;
        String[] localSupportedSignatureAlgorithms;
    }

    /** The default handshake's calibration and the TLS 1.2 one. */
    static final class Calibrations {
        Calibration tls13;
        Calibration tls12;
    }

    public static void main(String[] args) throws Exception {
        Calibrations cals = new Calibrations();
        cals.tls13 = calibrate(null);
        cals.tls12 = calibrate("TLSv1.2");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Map<String, Object> stores = new HashMap<>();
        List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        try (BufferedWriter out = Files.newBufferedWriter(Paths.get(args[1]), StandardCharsets.UTF_8)) {
            Calibration cal = cals.tls13;
            out.write("#calibration protocol=" + cal.protocol + " authType=" + cal.authType
                    + " algorithms=" + String.join(",", cal.localSupportedSignatureAlgorithms)
                    + " tls12-protocol=" + cals.tls12.protocol + " tls12-authType=" + cals.tls12.authType
                    + " tls12-algorithms=" + String.join(",", cals.tls12.localSupportedSignatureAlgorithms));
            out.newLine();
            for (String line : lines) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String verdict;
                try {
                    verdict = judge(cals, cf, stores, f);
                } catch (Throwable t) {
                    verdict = untrusted(t);
                }
                out.write(f[0] + "\t" + verdict);
                out.newLine();
            }
        }
    }

    static String judge(Calibrations cals, CertificateFactory cf, Map<String, Object> stores, String[] f)
            throws Throwable {
        String protocol = f.length > 7 && !f[7].isEmpty() ? f[7] : "TLSv1.3";
        Calibration cal;
        if (protocol.equals(cals.tls13.protocol)) {
            cal = cals.tls13;
        } else if (protocol.equals(cals.tls12.protocol)) {
            cal = cals.tls12;
        } else {
            throw new IllegalArgumentException("no calibration for protocol " + protocol);
        }
        String type = f[1];
        String path = f[2];
        char[] password = f[3].equals("-") ? null : f[3].toCharArray();
        String host = f[4].equals("-") ? null : f[4];
        Date at = new Date(Long.parseLong(f[5]));

        // The store: a failure to load it is what the app would hit at start-up.
        String storeKey = type + "\n" + path + "\n" + f[3];
        Object cached = stores.get(storeKey);
        if (cached == null) {
            try {
                cached = loadStore(cf, type, path, password);
            } catch (Throwable t) {
                cached = t;
            }
            stores.put(storeKey, cached);
        }
        if (cached instanceof Throwable) {
            return untrusted(new KeyStoreException("truststore does not load", (Throwable) cached));
        }
        KeyStore ks = (KeyStore) cached;

        // The served chain, parsed as the TLS client parses the Certificate message.
        List<X509Certificate> served = new ArrayList<>();
        for (String b64 : f[6].split(",")) {
            if (b64.isEmpty()) {
                continue;
            }
            byte[] der = Base64.getDecoder().decode(b64);
            served.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        X509Certificate[] chain = served.toArray(new X509Certificate[0]);

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        X509ExtendedTrustManager tm = null;
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager) {
                tm = (X509ExtendedTrustManager) t;
            }
        }
        if (tm == null) {
            throw new IllegalStateException("no X509ExtendedTrustManager from " + tmf.getAlgorithm());
        }
        injectDatedValidator(tm, at);

        JudgeEngine engine = new JudgeEngine(host, cal);
        tm.checkServerTrusted(chain, authType(cal, chain), engine);
        return "TRUSTED";
    }

    /**
     * The authType a client's trust manager gets: TLS 1.3 passes "UNKNOWN"; TLS 1.2 the key exchange of
     * the suite, which for an ECDHE suite follows the server key (ECDSA and EdDSA keys sign ECDHE_ECDSA
     * suites, RSA and RSASSA-PSS keys ECDHE_RSA ones).
     */
    static String authType(Calibration cal, X509Certificate[] chain) {
        if (!cal.protocol.equals("TLSv1.2") || chain.length == 0) {
            return cal.authType;
        }
        String alg = chain[0].getPublicKey().getAlgorithm();
        return alg.equals("EC") || alg.startsWith("Ed") ? "ECDHE_ECDSA" : "ECDHE_RSA";
    }

    static KeyStore loadStore(CertificateFactory cf, String type, String path, char[] password) throws Exception {
        switch (type) {
            case "JKS":
            case "PKCS12": {
                KeyStore ks = KeyStore.getInstance(type);
                try (InputStream in = new FileInputStream(path)) {
                    ks.load(in, password);
                }
                return ks;
            }
            case "PEM": {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                try (InputStream in = new FileInputStream(path)) {
                    for (java.security.cert.Certificate c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry("pem-" + i++, c);
                    }
                }
                return ks;
            }
            default:
                throw new IllegalArgumentException("unknown store type " + type);
        }
    }

    /** Gives the trust manager its own TLS-server validator, with the case's validation date set. */
    @SuppressWarnings("deprecation")
    static void injectDatedValidator(X509ExtendedTrustManager tm, Date at) throws Exception {
        Class<?> c = tm.getClass();
        Method getValidator = c.getDeclaredMethod("getValidator", String.class);
        getValidator.setAccessible(true);
        Validator v = (Validator) getValidator.invoke(tm, Validator.VAR_TLS_SERVER);
        v.setValidationDate(at);
        Field f = c.getDeclaredField("serverValidator");
        f.setAccessible(true);
        f.set(tm, v);
    }

    static String untrusted(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "UNTRUSTED\t" + t.getClass().getName() + "\t" + clean(t.getMessage()) + "\t"
                + root.getClass().getName() + ": " + clean(root.getMessage());
    }

    static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    // ---- calibration: one real TLS handshake of this JDK, in memory ----

    /** One real handshake; `protocol` limits the client to that version (null: the client's defaults). */
    static Calibration calibrate(String protocol) throws Exception {
        CertAndKeyGen gen = new CertAndKeyGen("EC", "SHA256withECDSA");
        gen.generate(256);
        X509Certificate cert = gen.getSelfCertificate(new X500Name("CN=calibration.judge.test"), 3600L);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pw = "calibration".toCharArray();
        keys.setKeyEntry("server", gen.getPrivateKey(), pw, new java.security.cert.Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);

        Calibration cal = new Calibration();
        X509ExtendedTrustManager recorder = new X509ExtendedTrustManager() {
            void record(String authType, SSLSession s) {
                cal.authType = authType;
                cal.protocol = s.getProtocol();
                cal.localSupportedSignatureAlgorithms =
                        ((ExtendedSSLSession) s).getLocalSupportedSignatureAlgorithms();
            }
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {
                record(a, e.getHandshakeSession());
            }
            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {
                record(a, ((SSLSocket) s).getHandshakeSession());
            }
            public void checkServerTrusted(X509Certificate[] c, String a) {
                throw new IllegalStateException("called without a session");
            }
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, new TrustManager[] {recorder}, null);
        SSLEngine client = clientCtx.createSSLEngine("calibration.judge.test", 443);
        client.setUseClientMode(true);
        if (protocol != null) {
            client.setEnabledProtocols(new String[] {protocol});
        }
        SSLEngine server = serverCtx.createSSLEngine();
        server.setUseClientMode(false);
        handshake(client, server);
        if (cal.authType == null) {
            throw new IllegalStateException("calibration handshake did not call the trust manager");
        }
        if (protocol != null && !protocol.equals(cal.protocol)) {
            throw new IllegalStateException("calibration handshake negotiated " + cal.protocol);
        }
        return cal;
    }

    /** Drives an in-memory handshake between two engines (bounded). */
    static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        int size = 1 << 17;
        ByteBuffer c2s = ByteBuffer.allocate(size);
        ByteBuffer s2c = ByteBuffer.allocate(size);
        ByteBuffer clientApp = ByteBuffer.allocate(size);
        ByteBuffer serverApp = ByteBuffer.allocate(size);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 1000; i++) {
            boolean clientDone = done(client.getHandshakeStatus());
            boolean serverDone = done(server.getHandshakeStatus());
            if (clientDone && serverDone) {
                return;
            }
            step(client, empty, c2s, s2c, clientApp);
            step(server, empty, s2c, c2s, serverApp);
        }
        throw new IllegalStateException("calibration handshake did not finish");
    }

    static boolean done(SSLEngineResult.HandshakeStatus s) {
        return s == SSLEngineResult.HandshakeStatus.FINISHED
                || s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws Exception {
        SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable r;
            while ((r = e.getDelegatedTask()) != null) {
                r.run();
            }
        } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            e.wrap(empty, out);
        } else if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
            in.flip();
            e.unwrap(in, app);
            in.compact();
        }
    }

    // ---- the engine and session a client's trust manager sees ----

    /** A client SSLEngine in mid-handshake, as X509TrustManagerImpl.checkServerTrusted reads it. */
    static final class JudgeEngine extends SSLEngine {
        private final SSLParameters params;
        private final JudgeSession session;

        JudgeEngine(String host, Calibration cal) throws Exception {
            super(host, 443);
            params = new SSLParameters();
            List<SNIServerName> sni = Collections.emptyList();
            if (host != null) {
                // The SNI the JDK itself derives from the host of a client engine.
                SSLEngine real = SSLContext.getDefault().createSSLEngine(host, 443);
                real.setUseClientMode(true);
                List<SNIServerName> names = real.getSSLParameters().getServerNames();
                if (names != null) {
                    sni = names;
                }
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            session = new JudgeSession(host, sni, cal);
        }

        @Override public SSLSession getHandshakeSession() { return session; }
        @Override public SSLParameters getSSLParameters() { return params; }
        @Override public SSLEngineResult wrap(ByteBuffer[] s, int o, int l, ByteBuffer d) { throw no(); }
        @Override public SSLEngineResult unwrap(ByteBuffer s, ByteBuffer[] d, int o, int l) { throw no(); }
        @Override public Runnable getDelegatedTask() { return null; }
        @Override public void closeInbound() {}
        @Override public boolean isInboundDone() { return false; }
        @Override public void closeOutbound() {}
        @Override public boolean isOutboundDone() { return false; }
        @Override public String[] getSupportedCipherSuites() { return new String[0]; }
        @Override public String[] getEnabledCipherSuites() { return new String[0]; }
        @Override public void setEnabledCipherSuites(String[] s) {}
        @Override public String[] getSupportedProtocols() { return new String[0]; }
        @Override public String[] getEnabledProtocols() { return new String[0]; }
        @Override public void setEnabledProtocols(String[] p) {}
        @Override public SSLSession getSession() { return session; }
        @Override public void beginHandshake() {}
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
        }
        @Override public void setUseClientMode(boolean m) {}
        @Override public boolean getUseClientMode() { return true; }
        @Override public void setNeedClientAuth(boolean n) {}
        @Override public boolean getNeedClientAuth() { return false; }
        @Override public void setWantClientAuth(boolean w) {}
        @Override public boolean getWantClientAuth() { return false; }
        @Override public void setEnableSessionCreation(boolean f) {}
        @Override public boolean getEnableSessionCreation() { return true; }
    }

    static UnsupportedOperationException no() {
        return new UnsupportedOperationException("the judge's engine does not transport data");
    }

    /** The client's handshake session: what the trust manager reads from it. */
    static final class JudgeSession extends ExtendedSSLSession {
        private final String host;
        private final List<SNIServerName> sni;
        private final Calibration cal;
        private final long created = System.currentTimeMillis();

        JudgeSession(String host, List<SNIServerName> sni, Calibration cal) {
            this.host = host;
            this.sni = sni;
            this.cal = cal;
        }

        @Override public String[] getLocalSupportedSignatureAlgorithms() {
            return cal.localSupportedSignatureAlgorithms.clone();
        }
        @Override public String[] getPeerSupportedSignatureAlgorithms() { return new String[0]; }
        @Override public List<SNIServerName> getRequestedServerNames() { return sni; }
        @Override public List<byte[]> getStatusResponses() { return Collections.emptyList(); }
        @Override public String getProtocol() { return cal.protocol; }
        @Override public String getPeerHost() { return host; }
        @Override public int getPeerPort() { return 443; }
        @Override public byte[] getId() { return new byte[0]; }
        @Override public SSLSessionContext getSessionContext() { return null; }
        @Override public long getCreationTime() { return created; }
        @Override public long getLastAccessedTime() { return created; }
        @Override public void invalidate() {}
        @Override public boolean isValid() { return true; }
        @Override public void putValue(String n, Object v) {}
        @Override public Object getValue(String n) { return null; }
        @Override public void removeValue(String n) {}
        @Override public String[] getValueNames() { return new String[0]; }
        @Override public java.security.cert.Certificate[] getPeerCertificates()
                throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("handshake in progress");
        }
        @Override public java.security.cert.Certificate[] getLocalCertificates() { return null; }
        @Override public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("handshake in progress");
        }
        @Override public Principal getLocalPrincipal() { return null; }
        @Override public String getCipherSuite() { return "TLS_AES_128_GCM_SHA256"; }
        @Override public int getPacketBufferSize() { return 16709; }
        @Override public int getApplicationBufferSize() { return 16384; }
    }
}
