//! The `README.txt` of a lab directory: which file goes where (nginx, Apache, Tomcat, the JVM), with
//! configuration snippets that work as pasted.

use std::fmt::Write as _;

use super::keystores::DEFAULT_PASSWORD;
use super::{LeafUsage, SubjectName};
use crate::cert::Certificate;

/// What the README describes.
pub struct ReadmeInput<'a> {
    /// Names the leaf covers.
    pub names: &'a [SubjectName],
    /// Key alias in the keystores.
    pub alias: &'a str,
    /// Keystore password.
    pub storepass: &'a str,
    /// Server or client certificate.
    pub usage: LeafUsage,
    /// Whether an intermediate CA is part of the chain.
    pub has_intermediate: bool,
    /// Whether the CAs' keys are in the directory (a new CA), or stayed in the `--ca` directory.
    pub ca_keys: bool,
    /// The leaf, for its validity.
    pub leaf: &'a Certificate,
}

fn date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| unix.to_string())
}

/// The README text.
pub fn lab_readme(input: &ReadmeInput<'_>) -> String {
    let stem = input.usage.stem();
    let names: Vec<String> = input.names.iter().map(ToString::to_string).collect();
    let first = names.first().map(String::as_str).unwrap_or("localhost");
    let info = input.leaf.info();
    let pw = input.storepass;
    let mut s = String::new();
    let _ = writeln!(s, "trustpath lab PKI");
    let _ = writeln!(s, "=================\n");
    let _ = writeln!(
        s,
        "A {} certificate for: {}\nValid {} to {}. A lab only: keys are unencrypted and the password is {:?}.\n",
        stem,
        names.join(", "),
        date(info.not_before),
        date(info.not_after),
        pw
    );
    let _ = writeln!(s, "Files");
    let _ = writeln!(s, "-----");
    let _ = writeln!(
        s,
        "root-ca.pem          the root CA: the one certificate clients must trust"
    );
    // Which key issues what: `gen leaf --ca DIR` signs with the intermediate's key when there is one,
    // else the root's; `gen intermediate --ca DIR` with the root's.
    if input.ca_keys && input.has_intermediate {
        let _ = writeln!(
            s,
            "root-ca.key          its key (mode 0600): keep it safe; `trustpath gen intermediate --ca DIR --out NEW` issues another intermediate with it"
        );
    } else if input.ca_keys {
        let _ = writeln!(
            s,
            "root-ca.key          its key (mode 0600): `trustpath gen leaf --ca DIR NAME…` issues more certificates with it"
        );
    }
    if input.has_intermediate {
        let _ = writeln!(
            s,
            "intermediate-ca.pem  the issuing CA; servers send it after their own certificate"
        );
        if input.ca_keys {
            let _ = writeln!(
                s,
                "intermediate-ca.key  its key (mode 0600): `trustpath gen leaf --ca DIR NAME…` issues more certificates with it"
            );
        }
    }
    if !input.ca_keys {
        let _ = writeln!(
            s,
            "                     (the CA keys stay in the --ca directory: issue more certificates from there)"
        );
    }
    let _ = writeln!(s, "{stem}.pem           the {stem} certificate alone");
    let _ = writeln!(
        s,
        "{stem}.key           its private key, PKCS#8 PEM (mode 0600)"
    );
    let _ = writeln!(
        s,
        "fullchain.pem        {}",
        if input.has_intermediate {
            format!("{stem} certificate then intermediate, no root: for nginx and Apache")
        } else {
            format!("the {stem} certificate (no intermediate; no root): for nginx and Apache")
        }
    );
    let _ = writeln!(
        s,
        "{stem}.p12           PKCS#12 keystore, alias {:?}, key + chain: for Tomcat",
        input.alias
    );
    let _ = writeln!(s, "{stem}.jks           the same as a JKS keystore");
    let _ = writeln!(
        s,
        "truststore.jks       JKS truststore holding root-ca.pem: for -Djavax.net.ssl.trustStore"
    );
    let _ = writeln!(s, "truststore.p12       the same as PKCS#12\n");
    if input.usage == LeafUsage::Server {
        let _ = writeln!(s, "nginx");
        let _ = writeln!(s, "-----");
        let _ = writeln!(
            s,
            "    server {{\n        listen 443 ssl;\n        server_name {first};\n        ssl_certificate     /etc/nginx/tls/fullchain.pem;\n        ssl_certificate_key /etc/nginx/tls/{stem}.key;\n    }}\n"
        );
        let _ = writeln!(s, "Apache httpd (2.4.8+)");
        let _ = writeln!(s, "---------------------");
        let _ = writeln!(
            s,
            "    SSLCertificateFile    /etc/apache2/tls/fullchain.pem\n    SSLCertificateKeyFile /etc/apache2/tls/{stem}.key\n"
        );
        let _ = writeln!(s, "Tomcat (conf/server.xml, Tomcat 8.5+)");
        let _ = writeln!(s, "-------------------------------------");
        let _ = writeln!(
            s,
            "    <Connector port=\"8443\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\"\n               maxThreads=\"150\" SSLEnabled=\"true\">\n        <SSLHostConfig>\n            <Certificate certificateKeystoreFile=\"conf/{stem}.p12\"\n                         certificateKeystoreType=\"PKCS12\"\n                         certificateKeystorePassword=\"{pw}\"\n                         certificateKeyAlias=\"{}\" />\n        </SSLHostConfig>\n    </Connector>\n",
            input.alias
        );
        let _ = writeln!(s, "(For {stem}.jks use certificateKeystoreType=\"JKS\".)\n");
    }
    let _ = writeln!(s, "Trusting the root");
    let _ = writeln!(s, "-----------------");
    let _ = writeln!(
        s,
        "In the JVM's own cacerts (what Confluence, Jira and Tomcat use by default):"
    );
    let _ = writeln!(s, "    trustpath store import --cacerts root-ca.pem\n");
    let _ = writeln!(s, "Or point one JVM at the lab truststore:");
    let _ = writeln!(
        s,
        "    -Djavax.net.ssl.trustStore=/path/to/truststore.jks -Djavax.net.ssl.trustStorePassword={pw}\n"
    );
    let _ = writeln!(
        s,
        "curl and openssl: --cacert root-ca.pem / -CAfile root-ca.pem"
    );
    let _ = writeln!(
        s,
        "Check the chain: openssl verify -CAfile root-ca.pem{} {stem}.pem",
        if input.has_intermediate {
            " -untrusted intermediate-ca.pem"
        } else {
            ""
        }
    );
    if pw == DEFAULT_PASSWORD {
        let _ = writeln!(
            s,
            "\n\"changeit\" is the password Tomcat and the JRE assume. It is fine in a lab; anywhere else, \
             choose another with --storepass (and keep it out of server.xml in plain text where you can)."
        );
    }
    s
}
