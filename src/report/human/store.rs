//! `trustpath store …` for people: listings, import/remove results, diffs, conversions, located stores,
//! and an exported certificate as it is.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use super::Human;
use crate::cert::Certificate;
use crate::jvm::locate::LocatedStore;
use crate::report::date;
use crate::storefile::{Converted, Saved};
use crate::truststore::edit::{ImportAction, ImportWarning, StoreDiff};
use crate::truststore::jvm_load;
use crate::truststore::{Entry, EntryBody, StoreFormat, TrustStore};

impl<W: Write> Human<W> {
    /// `store list`: two lines per entry, then a summary that flags expired anchors.
    pub fn store_list(&mut self, path: &Path, store: &TrustStore, now: i64) -> io::Result<()> {
        let w = &mut self.out;
        let mut out = String::with_capacity(store.entries.len() * 256);
        let n = store.entries.len();
        out.push_str(&format!(
            "{} ({}, {} {})\n",
            path.display(),
            describe_format(store),
            n,
            if n == 1 { "entry" } else { "entries" }
        ));
        let mut expired = Vec::new();
        let bad = jvm_load::unparseable(store);
        for e in &store.entries {
            out.push('\n');
            let unparseable = bad.iter().find(|u| u.alias == e.alias);
            match e.certificate() {
                Some(cert) => {
                    let info = cert.info();
                    let mut mark = if info.not_after < now {
                        if e.kind() == crate::truststore::EntryKind::TrustedCert {
                            expired.push(e.alias.as_str());
                        }
                        "  EXPIRED".to_owned()
                    } else {
                        String::new()
                    };
                    if unparseable.is_some() {
                        mark.push_str("  JVM CANNOT PARSE");
                    }
                    // Written in place (no string per line): a listing can hold 10,000 entries.
                    let _ = writeln!(out, "{}  [{}]{mark}", e.alias, e.kind().name());
                    let _ = writeln!(out, "    subject  {}", info.subject);
                    if info.issuer != info.subject {
                        let _ = writeln!(out, "    issuer   {}", info.issuer);
                    } else {
                        out.push_str("    issuer   (self-signed)\n");
                    }
                    let _ = writeln!(
                        out,
                        "    valid    {} → {}",
                        date(info.not_before),
                        date(info.not_after)
                    );
                    if let EntryBody::PrivateKey(k) = &e.body {
                        let _ = writeln!(out, "    chain    {} certificates", k.chain.len());
                    }
                    out.push_str("    sha256   ");
                    out.push_str(&cert.sha256_colons());
                    out.push('\n');
                    if let Some(u) = unparseable {
                        let _ = writeln!(out, "    jvm      cannot parse: {}", u.refusal);
                    }
                }
                None => {
                    let _ = writeln!(out, "{}  [{}]", e.alias, e.kind().name());
                }
            }
        }
        let invisible: Vec<&str> = store.jvm_invisible().map(|e| e.alias.as_str()).collect();
        if !invisible.is_empty() {
            out.push_str(&format!(
                "\n{} entr{} the JVM cannot see: {}\n  the JDK looks up JKS/JCEKS aliases in lower case, so these upper-case \
                 aliases (written by another tool) are not trust anchors; any trustpath edit of the store (import, \
                 remove, convert) rewrites them in lower case\n",
                invisible.len(),
                if invisible.len() == 1 { "y" } else { "ies" },
                invisible.join(", ")
            ));
        }
        if !bad.is_empty() {
            let aliases: Vec<&str> = bad.iter().map(|u| u.alias.as_str()).collect();
            let consequence = if matches!(store.format, StoreFormat::Pem | StoreFormat::Der) {
                "Java code reading this bundle (CertificateFactory.generateCertificates, as Tomcat, Spring Boot and \
                 Netty read PEM) fails on it as a whole, so nothing in it is trusted"
            } else if jvm_load::loads_as_a_whole(store.format) {
                "keytool and every JVM given this store as javax.net.ssl.trustStore fail to load it as a whole (the JVM \
                 cannot create its default SSLContext: \"problem accessing trust store\", so every TLS connection fails)"
            } else {
                "keytool refuses to import them and no JVM can use them as trust anchors"
            };
            out.push_str(&format!(
                "\n{} entr{} the JVM cannot parse: {}\n  {consequence}; remove {} with `trustpath store remove STORE --alias ALIAS`\n",
                bad.len(),
                if bad.len() == 1 { "y" } else { "ies" },
                aliases.join(", "),
                if bad.len() == 1 { "it" } else { "them" }
            ));
        }
        if !expired.is_empty() {
            out.push_str(&format!(
                "\n{} expired trust anchor{}: {}\n  the JVM still accepts chains ending at an expired anchor, but its CA \
                 has almost certainly been replaced; remove it with `trustpath store remove STORE --alias ALIAS`\n",
                expired.len(),
                if expired.len() == 1 { "" } else { "s" },
                expired.join(", ")
            ));
        }
        w.write_all(out.as_bytes())
    }

    /// A warning about the store being edited (printed before what the edit did).
    pub fn store_warning(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "warning: {text}")
    }

    /// `store import`.
    pub fn store_imported(
        &mut self,
        store: &Path,
        actions: &[ImportAction],
        warnings: &[ImportWarning],
        dry_run: bool,
        saved: Option<&Saved>,
        new_store: Option<&str>,
    ) -> io::Result<()> {
        let w = &mut self.out;
        let verb = if dry_run { "would add" } else { "added" };
        let mut added = 0;
        for a in actions {
            match a {
                ImportAction::Added { alias, cert } => {
                    added += 1;
                    writeln!(w, "{verb} '{alias}': {}", short(cert))?;
                }
                ImportAction::AlreadyPresent { alias, cert } => {
                    writeln!(w, "already present as '{alias}': {}", short(cert))?;
                }
            }
        }
        for warn in warnings {
            writeln!(w, "warning: {}", warn.message)?;
        }
        match saved {
            Some(s) => {
                let how = match new_store {
                    Some(how) if s.created => format!(" {how}"),
                    _ => String::new(),
                };
                writeln!(
                    w,
                    "{} {}: {added} added{}{how}",
                    if s.created { "created" } else { "updated" },
                    store.display(),
                    s.backup
                        .as_ref()
                        .map(|b| format!(", backup {}", b.display()))
                        .unwrap_or_default()
                )?;
            }
            None if dry_run => {
                if let Some(how) = new_store {
                    writeln!(
                        w,
                        "{} does not exist: it would be created {how}",
                        store.display()
                    )?;
                }
                writeln!(w, "dry run: {} unchanged", store.display())?
            }
            None => writeln!(w, "nothing to add: {} unchanged", store.display())?,
        }
        Ok(())
    }

    /// `store remove`.
    pub fn store_removed(
        &mut self,
        store: &Path,
        removed: &Entry,
        saved: &Saved,
    ) -> io::Result<()> {
        let w = &mut self.out;
        let what = removed
            .certificate()
            .map(short)
            .unwrap_or_else(|| removed.kind().name().to_owned());
        writeln!(w, "removed '{}': {what}", removed.alias)?;
        writeln!(
            w,
            "updated {}{}",
            store.display(),
            saved
                .backup
                .as_ref()
                .map(|b| format!(", backup {}", b.display()))
                .unwrap_or_default()
        )
    }

    /// `store diff`.
    pub fn store_diff(&mut self, a: &Path, b: &Path, d: &StoreDiff) -> io::Result<()> {
        let w = &mut self.out;
        if d.is_empty() {
            return writeln!(
                w,
                "{} and {} hold the same certificates",
                a.display(),
                b.display()
            );
        }
        writeln!(w, "--- {}\n+++ {}", a.display(), b.display())?;
        for (alias, c) in &d.removed {
            writeln!(w, "- {alias}: {}", short(c))?;
        }
        for (alias, c) in &d.added {
            writeln!(w, "+ {alias}: {}", short(c))?;
        }
        for (alias, ca, cb) in &d.changed {
            writeln!(w, "~ {alias}: {}\n      now {}", short(ca), short(cb))?;
        }
        for (aa, ab, c) in &d.renamed {
            writeln!(w, "> {aa} → {ab}: {}", short(c))?;
        }
        writeln!(
            w,
            "{} added, {} removed, {} changed, {} renamed",
            d.added.len(),
            d.removed.len(),
            d.changed.len(),
            d.renamed.len()
        )
    }

    /// `store convert`.
    pub fn store_converted(&mut self, src: &Path, dst: &Path, done: &Converted) -> io::Result<()> {
        let w = &mut self.out;
        let entries = done.store.entries.len();
        let format = done.store.format;
        if done.in_place {
            writeln!(
                w,
                "converted {} in place ({format}, {entries} entr{}){}",
                dst.display(),
                if entries == 1 { "y" } else { "ies" },
                done.backup
                    .as_ref()
                    .map(|b| format!(", backup {}", b.display()))
                    .unwrap_or_default()
            )
        } else {
            writeln!(
                w,
                "wrote {} ({format}, {entries} entr{}, mode {:04o}) from {}",
                dst.display(),
                if entries == 1 { "y" } else { "ies" },
                done.mode,
                src.display()
            )
        }
    }

    /// `store locate`.
    pub fn stores_located(&mut self, found: &[LocatedStore]) -> io::Result<()> {
        let w = &mut self.out;
        if found.is_empty() {
            return writeln!(
                w,
                "no cacerts found (looked at --java-home, $JAVA_HOME, the java on PATH, /etc/ssl/certs/java/cacerts, \
                 /usr/lib/jvm/*, /opt/atlassian/*/jre)"
            );
        }
        for f in found {
            let c = &f.candidate;
            let what = match &f.store {
                Ok(s) => format!("{}, {} entries", describe_format(s), s.entries.len()),
                Err(e) => format!("unreadable: {e}"),
            };
            writeln!(
                w,
                "{} {}",
                if c.default { "*" } else { " " },
                c.path.display()
            )?;
            let mut via = c.origin.clone();
            if c.real_path != c.path {
                via.push_str(&format!(", → {}", c.real_path.display()));
            }
            if let Some(h) = &c.java_home {
                via.push_str(&format!(", java home {}", h.display()));
            }
            writeln!(w, "    {what} ({via})")?;
            for other in &c.also {
                writeln!(w, "    also {} (same file)", other.display())?;
            }
        }
        writeln!(
            w,
            "\n* = the store the default JVM uses; `--cacerts` means this one"
        )
    }

    /// `store export`: the certificate itself, PEM or DER.
    pub fn certificate(&mut self, cert: &Certificate, der: bool) -> io::Result<()> {
        if der {
            self.out.write_all(cert.der())?;
        } else {
            self.out.write_all(cert.to_pem().as_bytes())?;
        }
        self.out.flush()
    }
}

pub(crate) fn describe_format(store: &TrustStore) -> String {
    use crate::truststore::Pkcs12Protection as P;
    match (&store.format, &store.pkcs12_protection) {
        (StoreFormat::Pkcs12, Some(P::PasswordLess)) => "pkcs12, password-less".to_owned(),
        (StoreFormat::Pkcs12, Some(P::ClearCertsWithMac(_))) => {
            "pkcs12, certificates in clear, MAC-protected".to_owned()
        }
        (StoreFormat::Pkcs12, Some(P::Encrypted { .. })) => "pkcs12, encrypted".to_owned(),
        (f, _) => f.name().to_owned(),
    }
}

fn short(cert: &Certificate) -> String {
    let info = cert.info();
    format!("{}  sha256 {}", info.subject, cert.sha256_colons())
}
