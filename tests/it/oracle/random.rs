//! The seeded random chain generator: a healthy root → 0–3 intermediates → leaf, then several mutations at
//! once (see [`MUTATIONS`]). Case `index` of `seed` is generated from its own RNG, so any single case can be
//! regenerated from (seed, index) alone.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::case::{AnchorEntry, OracleCase, StoreFormat};
use crate::support::certs::spec::der::StrKind;
use crate::support::certs::spec::keys::{self, Hash, KeyType, SigAlg, key};
use crate::support::certs::spec::{
    self, Aki, CertSpec, GenName, Name, PolicyInfo, Ski, build, ku, oids,
};
use trustpath::chain::TlsVersion;

const DAY: i64 = 86_400;
/// 2025-01-01T00:00:00Z: validation instants fall in the two years after it.
const T0: i64 = 1_735_689_600;
const P1: &str = "1.3.6.1.4.1.55555.2.1";
const P2: &str = "1.3.6.1.4.1.55555.2.2";

/// Healthy key types for the baseline chain.
const HEALTHY_KEYS: [KeyType; 4] = [
    KeyType::Rsa(2048),
    KeyType::P256,
    KeyType::P384,
    KeyType::Rsa(3072),
];
/// Every key type a mutation may pick.
const ALL_KEYS: [KeyType; 9] = [
    KeyType::Rsa(1024),
    KeyType::Rsa(2048),
    KeyType::Rsa(3072),
    KeyType::Rsa(4096),
    KeyType::P256,
    KeyType::P384,
    KeyType::P521,
    KeyType::Ed25519,
    KeyType::Secp256k1,
];

/// A chain being generated.
pub struct Plan {
    specs: Vec<CertSpec>,
    root: usize,
    /// Intermediates, the one the root issued first.
    ints: Vec<usize>,
    leaf: usize,
    served: Vec<usize>,
    anchors: Vec<AnchorEntry>,
    host: Option<String>,
    zone: String,
    at: i64,
}

fn serial(rng: &mut StdRng) -> Vec<u8> {
    let mut s: Vec<u8> = (0..8).map(|_| rng.random::<u8>()).collect();
    s[0] = (s[0] & 0x7f) | 0x01;
    s
}

fn pick_key(rng: &mut StdRng, types: &[KeyType]) -> std::sync::Arc<keys::Key> {
    let ty = types[rng.random_range(0..types.len())];
    key(ty, rng.random_range(0..ty.slots()))
}

fn healthy(rng: &mut StdRng, index: u64) -> Plan {
    let at = T0 + rng.random_range(0..730) * DAY + rng.random_range(0..DAY);
    let zone = format!("c{index}.oracle.test");
    let host = format!("www.{zone}");
    let n_ints = rng.random_range(0..=3usize);
    let mut specs = Vec::new();

    let mut root = CertSpec::new(
        "root",
        pick_key(rng, &HEALTHY_KEYS),
        Name::simple("Oracle Test", &format!("Oracle Root {index}")),
        serial(rng),
        at - 3 * 365 * DAY,
        at + 10 * 365 * DAY,
    );
    root.bc = Some((true, true, None));
    root.ku = Some((true, ku::KEY_CERT_SIGN | ku::CRL_SIGN));
    root.aki = if rng.random_bool(0.5) {
        Aki::Absent
    } else {
        Aki::IssuerKeyId
    };
    specs.push(root);

    let mut ints = Vec::new();
    for i in 0..n_ints {
        let mut c = CertSpec::new(
            &format!("int{}", i + 1),
            pick_key(rng, &HEALTHY_KEYS),
            Name::simple(
                "Oracle Test",
                &format!("Oracle Intermediate {index}.{}", i + 1),
            ),
            serial(rng),
            at - 2 * 365 * DAY,
            at + 5 * 365 * DAY,
        );
        c.issuer = Some(specs.len() - 1);
        c.bc = Some((true, true, None));
        c.ku = Some((true, ku::KEY_CERT_SIGN | ku::CRL_SIGN));
        specs.push(c);
        ints.push(specs.len() - 1);
    }

    let leaf_key = pick_key(rng, &HEALTHY_KEYS);
    let is_rsa = matches!(leaf_key.ty, KeyType::Rsa(_));
    let mut leaf = CertSpec::new(
        "leaf",
        leaf_key,
        Name::simple("Oracle Services", &host),
        serial(rng),
        at - 30 * DAY,
        at + 90 * DAY,
    );
    leaf.issuer = Some(specs.len() - 1);
    leaf.bc = if rng.random_bool(0.5) {
        Some((true, false, None))
    } else {
        None
    };
    leaf.ku = Some((
        true,
        if is_rsa {
            ku::DIGITAL_SIGNATURE | ku::KEY_ENCIPHERMENT
        } else {
            ku::DIGITAL_SIGNATURE
        },
    ));
    leaf.eku = Some((
        false,
        if rng.random_bool(0.3) {
            vec![oids::SERVER_AUTH, oids::CLIENT_AUTH]
        } else {
            vec![oids::SERVER_AUTH]
        },
    ));
    leaf.san = Some((false, vec![GenName::Dns(host.clone())]));
    specs.push(leaf);
    let leaf = specs.len() - 1;

    let mut served = vec![leaf];
    served.extend(ints.iter().rev());
    Plan {
        specs,
        root: 0,
        ints,
        leaf,
        served,
        anchors: vec![AnchorEntry::trusted(0, "root")],
        host: Some(host),
        zone,
        at,
    }
}

impl Plan {
    fn cas(&self) -> Vec<usize> {
        let mut v = vec![self.root];
        v.extend(&self.ints);
        v
    }

    fn all(&self) -> Vec<usize> {
        let mut v = self.cas();
        v.push(self.leaf);
        v
    }

    fn label(&self, i: usize) -> String {
        self.specs[i].label.clone()
    }

    /// Certificates whose issuer field names another spec (not self-signed).
    fn children(&self) -> Vec<usize> {
        self.all()
            .into_iter()
            .filter(|&i| self.specs[i].issuer.is_some())
            .collect()
    }

    fn push(&mut self, spec: CertSpec) -> usize {
        self.specs.push(spec);
        self.specs.len() - 1
    }

    fn set_leaf_names(&mut self, san: Option<Vec<GenName>>, cn: &str, kind: StrKind) {
        let leaf = &mut self.specs[self.leaf];
        leaf.san = san.map(|n| (false, n));
        leaf.subject = Name(vec![
            vec![spec::Atv {
                oid: spec::O,
                kind: StrKind::Utf8,
                text: "Oracle Services".into(),
            }],
            vec![spec::Atv {
                oid: spec::CN,
                kind,
                text: cn.into(),
            }],
        ]);
    }
}

fn choose<T: Clone>(rng: &mut StdRng, items: &[T]) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[rng.random_range(0..items.len())].clone())
    }
}

type Mutation = fn(&mut Plan, &mut StdRng) -> Option<String>;

/// Every mutation, by name. Structural ones (`renewed-leaf`, `cross-sign`) run before the others.
pub const MUTATIONS: &[(&str, Mutation)] = &[
    ("renewed-leaf", renewed_leaf),
    ("cross-sign", cross_sign),
    ("key-type", key_type),
    ("sig-hash", sig_hash),
    ("inner-sig-mismatch", inner_sig_mismatch),
    ("root-signature", root_signature),
    ("bad-signature", bad_signature),
    ("wrong-signer", wrong_signer),
    ("expired", expired),
    ("not-yet-valid", not_yet_valid),
    ("validity-boundary", validity_boundary),
    ("generalized-time", generalized_time),
    ("expired-anchor-built", expired_anchor_built),
    ("ca-without-bc", ca_without_bc),
    ("ca-false", ca_false),
    ("bc-noncritical", bc_noncritical),
    ("path-len", path_len),
    ("leaf-is-ca", leaf_is_ca),
    ("ca-key-usage", ca_key_usage),
    ("leaf-key-usage", leaf_key_usage),
    ("leaf-eku", leaf_eku),
    ("ca-eku", ca_eku),
    ("netscape-cert-type", netscape_cert_type),
    ("host-form", host_form),
    ("idn", idn),
    ("nc-dns", nc_dns),
    ("nc-ip", nc_ip),
    ("nc-dn", nc_dn),
    ("nc-cn-only", nc_cn_only),
    ("nc-many-names", nc_many_names),
    ("nc-invalid-san", nc_invalid_san),
    ("name-string-type", name_string_type),
    ("issuer-reencoded", issuer_reencoded),
    ("issuer-case-space", issuer_case_space),
    ("multi-valued-rdn", multi_valued_rdn),
    ("rdn-order", rdn_order),
    ("empty-subject", empty_subject),
    ("empty-issuer", empty_issuer),
    ("cn-fallback-encoding", cn_fallback_encoding),
    ("aki-absent", aki_absent),
    ("ski-absent", ski_absent),
    ("aki-mismatch", aki_mismatch),
    ("aki-issuer-serial", aki_issuer_serial),
    ("ski-random", ski_random),
    ("served-reordered", served_reordered),
    ("served-root", served_root),
    ("served-extra", served_extra),
    ("served-duplicate", served_duplicate),
    ("served-missing", served_missing),
    ("anchor-intermediate", anchor_intermediate),
    ("anchor-leaf", anchor_leaf),
    ("v1-root", v1_root),
    ("non-ca-anchor", non_ca_anchor),
    ("decoy-anchor", decoy_anchor),
    ("anchor-key-entry", anchor_key_entry),
    ("anchor-alias", anchor_alias),
    ("unknown-extension", unknown_extension),
    ("v1-cert", v1_cert),
    ("duplicate-extension", duplicate_extension),
    ("serial-odd", serial_odd),
    ("policies", policies),
    ("require-explicit-policy", require_explicit_policy),
    ("inhibit-policy-mapping", inhibit_policy_mapping),
    ("inhibit-any-policy", inhibit_any_policy),
    ("policy-mapping", policy_mapping),
    ("critical-policy-qualifier", critical_policy_qualifier),
    ("no-host", no_host),
    ("undecodable-extension", undecodable_extension),
];

/// Generates case `index` of `seed`.
pub fn generate(seed: u64, index: u64) -> OracleCase {
    let mut rng = StdRng::seed_from_u64(mix(seed, index));
    let mut plan = healthy(&mut rng, index);
    let wanted = match rng.random_range(0..100) {
        0..5 => 0,
        5..35 => 1,
        35..70 => 2,
        70..92 => 3,
        _ => 4,
    };
    let mut picks: Vec<usize> = Vec::new();
    let mut tries = 0;
    while picks.len() < wanted && tries < 50 {
        tries += 1;
        let m = rng.random_range(0..MUTATIONS.len());
        if !picks.contains(&m) {
            picks.push(m);
        }
    }
    // Structural mutations first (lower index in MUTATIONS), the rest in drawn order.
    picks.sort_by_key(|&m| if m < 2 { m } else { 2 });
    let mut notes = Vec::new();
    for m in picks {
        let (name, f) = MUTATIONS[m];
        if let Some(what) = f(&mut plan, &mut rng) {
            notes.push(format!("{name}: {what}"));
        }
    }
    if notes.is_empty() {
        notes.push("healthy".into());
    }
    finish(plan, &mut rng, notes, seed, index)
}

/// A healthy chain whose leaf names exactly `san` (DNS names), judged for `host`: for tests that need one
/// particular chain rather than a random one.
pub fn healthy_with_names(seed: u64, index: u64, san: &[&str], host: &str) -> OracleCase {
    let mut rng = StdRng::seed_from_u64(mix(seed, index));
    let mut plan = healthy(&mut rng, index);
    let names = san.iter().map(|n| GenName::Dns((*n).to_owned())).collect();
    plan.set_leaf_names(
        Some(names),
        san.first().copied().unwrap_or(host),
        StrKind::Utf8,
    );
    plan.host = Some(host.to_owned());
    let note = format!("leaf names {}; host {host}", san.join(", "));
    finish(plan, &mut rng, vec![note], seed, index)
}

/// A healthy chain valid around `now` whose leaf is signed with `leaf_hash`, for a real handshake: the case
/// (judged as a TLS 1.3 connection) and the leaf's private key (PKCS#8).
pub fn healthy_for_handshake(
    seed: u64,
    index: u64,
    now: i64,
    leaf_hash: Hash,
) -> (OracleCase, Vec<u8>) {
    let mut rng = StdRng::seed_from_u64(mix(seed, index));
    let mut plan = healthy(&mut rng, index);
    let shift = now - plan.at;
    for s in &mut plan.specs {
        s.not_before += shift;
        s.not_after += shift;
    }
    plan.at = now;
    let leaf = plan.leaf;
    let signer = plan.specs[leaf].signer(&plan.specs).ty;
    let alg = SigAlg::with_hash(signer, leaf_hash, false);
    plan.specs[leaf].sig = Some(alg);
    let pkcs8 = plan.specs[leaf].key.pkcs8.clone();
    let mut case = finish(
        plan,
        &mut rng,
        vec![format!("leaf signed with {}", alg.name())],
        seed,
        index,
    );
    case.tls = None;
    (case, pkcs8)
}

fn finish(
    plan: Plan,
    rng: &mut StdRng,
    mut notes: Vec<String>,
    seed: u64,
    index: u64,
) -> OracleCase {
    let ders = build(&plan.specs, rng);
    let served = plan.served.iter().map(|&i| ders[i].clone()).collect();
    let anchors = plan
        .anchors
        .iter()
        .map(|a| AnchorEntry {
            der: ders[a.spec].clone(),
            pkcs8: a.key_entry.then(|| plan.specs[a.spec].key.pkcs8.clone()),
            ..a.clone()
        })
        .collect();
    let (store, password) = store_format(rng, &plan.anchors);
    // One connection in five negotiated TLS 1.2 (a server that speaks no TLS 1.3), the rest TLS 1.3.
    let tls = rng.random_bool(0.2).then_some(TlsVersion::Tls12);
    if tls.is_some() {
        notes.push("tls: the connection negotiated TLS 1.2".into());
    }
    OracleCase {
        id: format!("r{seed}-{index}"),
        origin: format!("TRUSTPATH_ORACLE_SEED={seed} index {index}"),
        notes,
        served,
        anchors,
        store,
        password,
        host: plan.host.clone(),
        at: plan.at,
        tls,
    }
}

fn mix(seed: u64, index: u64) -> u64 {
    // splitmix64 of the pair.
    let mut z = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn store_format(rng: &mut StdRng, anchors: &[AnchorEntry]) -> (StoreFormat, String) {
    let has_keys = anchors.iter().any(|a| a.key_entry);
    let format = match rng.random_range(0..if has_keys { 5 } else { 6 }) {
        0 | 1 => StoreFormat::Jks,
        2 => StoreFormat::Pkcs12Encrypted,
        3 => StoreFormat::Pkcs12ClearCerts,
        4 => StoreFormat::Pem,
        _ => StoreFormat::Pkcs12PasswordLess,
    };
    // A PEM bundle holds certificates only.
    let format = if has_keys && format == StoreFormat::Pem {
        StoreFormat::Jks
    } else {
        format
    };
    // The JDK opens PKCS#12 only with an ASCII password (trustpath refuses to write one otherwise).
    let password = if format == StoreFormat::Jks && rng.random_bool(0.1) {
        "pässwörd".to_owned()
    } else {
        "changeit".to_owned()
    };
    (format, password)
}

// ---- structural ----

fn renewed_leaf(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    // A self-signed server certificate renewed with the same name and key; the old one is the trusted
    // entry, the new one is served.
    let leaf = p.specs[p.leaf].clone();
    let mut old = leaf.clone();
    old.label = "old-leaf".into();
    old.issuer = None;
    old.aki = Aki::Absent;
    old.not_before = p.at - 400 * DAY;
    old.not_after = p.at - rng.random_range(-200..200) * DAY;
    old.serial = serial(rng);
    let mut new = leaf;
    new.label = "leaf".into();
    new.issuer = None;
    new.aki = if rng.random_bool(0.5) {
        Aki::Absent
    } else {
        Aki::IssuerKeyId
    };
    new.serial = serial(rng);
    let old_i = p.push(old);
    let new_i = p.push(new);
    p.specs[p.leaf].label = "unused-leaf".into();
    // From here on the old leaf plays the root (the anchor) and there are no intermediates.
    p.leaf = new_i;
    p.root = old_i;
    p.ints.clear();
    p.served = vec![new_i];
    p.anchors = vec![AnchorEntry::trusted(old_i, "server")];
    Some("self-signed leaf renewed (same name and key); the old one is the trusted entry".into())
}

fn cross_sign(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    // The certificate cross-signed: the first intermediate, or the leaf when there is none.
    let target = p.ints.first().copied().unwrap_or(p.leaf);
    let mut other = CertSpec::new(
        "xroot",
        pick_key(rng, &HEALTHY_KEYS),
        Name::simple("Oracle Other", "Oracle Cross Root"),
        serial(rng),
        p.at - 3 * 365 * DAY,
        p.at + 10 * 365 * DAY,
    );
    other.bc = Some((true, true, None));
    other.ku = Some((true, ku::KEY_CERT_SIGN | ku::CRL_SIGN));
    let xroot = p.push(other);
    let mut cross = p.specs[target].clone();
    cross.label = format!("{}-cross", p.specs[target].label);
    cross.issuer = Some(xroot);
    cross.issuer_name = None;
    cross.serial = serial(rng);
    let cross_i = p.push(cross);
    let pos = p
        .served
        .iter()
        .position(|&s| s == target)
        .unwrap_or(p.served.len());
    if target == p.leaf {
        // Two leaves for one key: serve the cross-signed one after the real one.
        p.served.push(cross_i);
    } else if rng.random_bool(0.5) {
        p.served.insert(pos, cross_i);
    } else {
        p.served.insert((pos + 1).min(p.served.len()), cross_i);
    }
    let bad = match rng.random_range(0..5) {
        0 => "the cross root is not trusted".to_owned(),
        1 => {
            p.anchors.push(AnchorEntry::trusted(xroot, "xroot"));
            p.specs[cross_i].not_after = p.at - 10 * DAY;
            "the cross root is trusted but the cross certificate expired".to_owned()
        }
        2 => {
            p.anchors.push(AnchorEntry::trusted(xroot, "xroot"));
            p.specs[target].not_after = p.at - 10 * DAY;
            format!(
                "the cross root is trusted; the direct {} expired",
                p.label(target)
            )
        }
        3 => {
            p.anchors = vec![AnchorEntry::trusted(xroot, "xroot")];
            "only the cross root is trusted".to_owned()
        }
        _ => {
            p.anchors.push(AnchorEntry::trusted(xroot, "xroot"));
            p.specs[cross_i].corrupt_signature = true;
            "the cross root is trusted but the cross signature is broken".to_owned()
        }
    };
    Some(format!(
        "{} cross-signed by another root; {bad}",
        p.label(target)
    ))
}

// ---- keys and signatures ----

fn key_type(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let k = pick_key(rng, &ALL_KEYS);
    let name = k.ty.name();
    // Every certificate of that key changes with it (a renewed leaf, a cross-signed CA).
    let old = std::sync::Arc::clone(&p.specs[c].key);
    for s in p.specs.iter_mut() {
        if std::sync::Arc::ptr_eq(&s.key, &old) {
            s.key = k.clone();
        }
    }
    Some(format!("{} key {name}", p.label(c)))
}

fn sig_hash(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let hash = Hash::ALL[rng.random_range(0..Hash::ALL.len())];
    let pss = rng.random_bool(0.35);
    let signer = p.specs[c].signer(&p.specs).ty;
    let alg = SigAlg::with_hash(signer, hash, pss);
    p.specs[c].sig = Some(alg);
    Some(format!("{} signed with {}", p.label(c), alg.name()))
}

fn root_signature(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let root = p.root;
    let what = match rng.random_range(0..3) {
        0 => {
            if !matches!(p.specs[root].key.ty, KeyType::Rsa(_)) {
                // Every certificate of the root's key moves to an RSA key with it.
                let old = std::sync::Arc::clone(&p.specs[root].key);
                let k = key(KeyType::Rsa(2048), rng.random_range(0..8));
                for s in p.specs.iter_mut() {
                    if std::sync::Arc::ptr_eq(&s.key, &old) {
                        s.key = k.clone();
                    }
                }
            }
            p.specs[root].sig = Some(SigAlg::RsaPkcs1(Hash::Md5));
            "self-signed with MD5withRSA (RSA key)"
        }
        1 => {
            let signer = p.specs[root].key.ty;
            p.specs[root].sig = Some(SigAlg::with_hash(signer, Hash::Sha1, false));
            "self-signed with SHA-1"
        }
        _ => {
            p.specs[root].corrupt_signature = true;
            "self-signature corrupted"
        }
    };
    Some(format!("{} (the trusted root) {what}", p.label(root)))
}

fn inner_sig_mismatch(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let outer = p.specs[c].sig_alg(&p.specs);
    let inner = match outer {
        SigAlg::RsaPkcs1(Hash::Sha256) => SigAlg::RsaPkcs1(Hash::Sha384),
        SigAlg::RsaPkcs1(_) => SigAlg::RsaPkcs1(Hash::Sha256),
        SigAlg::RsaPss(_) => SigAlg::RsaPkcs1(Hash::Sha256),
        SigAlg::Ecdsa(Hash::Sha256) => SigAlg::Ecdsa(Hash::Sha384),
        SigAlg::Ecdsa(_) => SigAlg::Ecdsa(Hash::Sha256),
        SigAlg::Ed25519 => SigAlg::Ecdsa(Hash::Sha256),
    };
    p.specs[c].inner_sig = Some(inner);
    Some(format!(
        "{}: tbsCertificate.signature {} but signatureAlgorithm {}",
        p.label(c),
        inner.name(),
        outer.name()
    ))
}

fn bad_signature(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].corrupt_signature = true;
    Some(format!("{} signature corrupted", p.label(c)))
}

fn wrong_signer(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.children())?;
    let k = pick_key(rng, &HEALTHY_KEYS);
    if std::sync::Arc::ptr_eq(&k, p.specs[c].signer(&p.specs)) {
        return None;
    }
    p.specs[c].signer_override = Some(k);
    Some(format!(
        "{} signed by a key other than its issuer's",
        p.label(c)
    ))
}

// ---- validity ----

fn expired(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let ago = rng.random_range(1..400) * DAY;
    p.specs[c].not_after = p.at - ago;
    p.specs[c].not_before = p.at - ago - 365 * DAY;
    Some(format!(
        "{} expired {} days before the instant",
        p.label(c),
        ago / DAY
    ))
}

fn not_yet_valid(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let ahead = rng.random_range(1..400) * DAY;
    p.specs[c].not_before = p.at + ahead;
    p.specs[c].not_after = p.at + ahead + 365 * DAY;
    Some(format!(
        "{} valid only from {} days after the instant",
        p.label(c),
        ahead / DAY
    ))
}

fn validity_boundary(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let s = &mut p.specs[c];
    let what = match rng.random_range(0..4) {
        0 => {
            s.not_after = p.at;
            "notAfter == the instant"
        }
        1 => {
            s.not_after = p.at - 1;
            "notAfter == the instant - 1 s"
        }
        2 => {
            s.not_before = p.at;
            "notBefore == the instant"
        }
        _ => {
            s.not_before = p.at + 1;
            "notBefore == the instant + 1 s"
        }
    };
    Some(format!("{}: {what}", p.label(c)))
}

fn generalized_time(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].generalized_time = true;
    if rng.random_bool(0.3) {
        p.specs[c].not_after = p.at + 40 * 365 * DAY;
        return Some(format!(
            "{} valid until after 2050 (GeneralizedTime)",
            p.label(c)
        ));
    }
    Some(format!(
        "{} validity as GeneralizedTime before 2050",
        p.label(c)
    ))
}

fn expired_anchor_built(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let ago = rng.random_range(1..400) * DAY;
    p.specs[p.root].not_after = p.at - ago;
    p.specs[p.root].not_before = p.at - ago - 3650 * DAY;
    let order = if p.served.len() > 2 {
        let leaf = p.served.remove(0);
        p.served.shuffle(rng);
        p.served.insert(0, leaf);
        "served order shuffled"
    } else {
        let extra = p.push({
            let mut s = CertSpec::new(
                "stranger",
                pick_key(rng, &HEALTHY_KEYS),
                Name::simple("Stranger", "Stranger CA"),
                serial(rng),
                p.at - DAY * 100,
                p.at + DAY * 1000,
            );
            s.bc = Some((true, true, None));
            s.ku = Some((true, ku::KEY_CERT_SIGN));
            s
        });
        p.served.insert(1, extra);
        "an unrelated CA served second"
    };
    Some(format!(
        "the root (trusted) expired {} days ago; {order}",
        ago / DAY
    ))
}

// ---- basicConstraints, keyUsage, EKU ----

fn ca_without_bc(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.ints)?;
    p.specs[c].bc = None;
    Some(format!("{} has no basicConstraints", p.label(c)))
}

fn ca_false(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.ints)?;
    p.specs[c].bc = Some((true, false, None));
    Some(format!("{} basicConstraints cA=false", p.label(c)))
}

fn bc_noncritical(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    if let Some(bc) = &mut p.specs[c].bc {
        bc.0 = false;
        return Some(format!("{} basicConstraints not critical", p.label(c)));
    }
    None
}

fn path_len(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let n = rng.random_range(0..=2u8);
    p.specs[c].bc = Some((true, true, Some(n)));
    Some(format!("{} pathLenConstraint {n}", p.label(c)))
}

fn leaf_is_ca(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let leaf = p.leaf;
    let (bc, what) = match rng.random_range(0..3) {
        0 => (Some((true, true, None)), "cA=true"),
        1 => (
            Some((true, false, Some(0))),
            "cA=false with a pathLenConstraint",
        ),
        _ => (
            Some((false, true, Some(0))),
            "cA=true pathLen 0, not critical",
        ),
    };
    p.specs[leaf].bc = bc;
    Some(format!("leaf basicConstraints {what}"))
}

fn ca_key_usage(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let (v, what) = match rng.random_range(0..4) {
        0 => (
            Some((true, ku::DIGITAL_SIGNATURE | ku::CRL_SIGN)),
            "keyUsage without keyCertSign",
        ),
        1 => (None, "no keyUsage"),
        2 => (
            Some((false, ku::KEY_CERT_SIGN | ku::CRL_SIGN)),
            "keyUsage not critical",
        ),
        _ => (
            Some((
                true,
                ku::KEY_CERT_SIGN | ku::DIGITAL_SIGNATURE | ku::KEY_ENCIPHERMENT,
            )),
            "keyUsage keyCertSign with end-entity bits",
        ),
    };
    p.specs[c].ku = v;
    Some(format!("{} {what}", p.label(c)))
}

fn leaf_key_usage(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let choices: [(Option<(bool, u16)>, &str); 8] = [
        (Some((true, ku::KEY_ENCIPHERMENT)), "keyEncipherment only"),
        (Some((true, ku::KEY_AGREEMENT)), "keyAgreement only"),
        (Some((true, ku::DIGITAL_SIGNATURE)), "digitalSignature only"),
        (Some((true, ku::NON_REPUDIATION)), "nonRepudiation only"),
        (
            Some((true, ku::DIGITAL_SIGNATURE | ku::KEY_CERT_SIGN)),
            "digitalSignature and keyCertSign",
        ),
        (Some((true, 0)), "no bit set"),
        (None, "absent"),
        (
            Some((false, ku::DIGITAL_SIGNATURE | ku::KEY_ENCIPHERMENT)),
            "not critical",
        ),
    ];
    let (v, what) = choices[rng.random_range(0..choices.len())];
    let leaf = p.leaf;
    p.specs[leaf].ku = v;
    Some(format!("leaf keyUsage {what}"))
}

fn leaf_eku(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    type Eku = Option<(bool, Vec<&'static str>)>;
    let choices: [(Eku, &str); 7] = [
        (Some((false, vec![oids::CLIENT_AUTH])), "clientAuth only"),
        (
            Some((false, vec![oids::ANY_EKU])),
            "anyExtendedKeyUsage only",
        ),
        (Some((false, vec![oids::CODE_SIGNING])), "codeSigning only"),
        (None, "absent"),
        (
            Some((true, vec![oids::SERVER_AUTH])),
            "serverAuth, critical",
        ),
        (
            Some((false, vec![oids::CLIENT_AUTH, oids::ANY_EKU])),
            "clientAuth and anyExtendedKeyUsage",
        ),
        (Some((false, vec![])), "empty"),
    ];
    let (v, what) = choices[rng.random_range(0..choices.len())].clone();
    let leaf = p.leaf;
    p.specs[leaf].eku = v;
    Some(format!("leaf extendedKeyUsage {what}"))
}

fn ca_eku(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let (v, what) = match rng.random_range(0..3) {
        0 => (vec![oids::CLIENT_AUTH], "clientAuth only"),
        1 => (vec![oids::SERVER_AUTH], "serverAuth"),
        _ => (vec![oids::CODE_SIGNING], "codeSigning only"),
    };
    p.specs[c].eku = Some((false, v));
    Some(format!("{} extendedKeyUsage {what}", p.label(c)))
}

fn netscape_cert_type(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    if rng.random_bool(0.3) {
        let c = choose(rng, &p.cas())?;
        let bits = if rng.random_bool(0.5) { 0x04 } else { 0x20 };
        p.specs[c].ns_cert_type = Some(bits);
        return Some(format!("{} Netscape cert type 0x{bits:02x}", p.label(c)));
    }
    let (bits, what) = match rng.random_range(0..4) {
        0 => (0x80, "SSL client only"),
        1 => (0x40, "SSL server"),
        2 => (0xc0, "SSL client and server"),
        _ => (0x20, "S/MIME only"),
    };
    let leaf = p.leaf;
    p.specs[leaf].ns_cert_type = Some(bits);
    Some(format!("leaf Netscape cert type {what}"))
}

// ---- host names ----

fn host_form(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let z = p.zone.clone();
    let www = format!("www.{z}");
    let dns = |s: &str| GenName::Dns(s.to_owned());
    let (san, cn, host, what): (Option<Vec<GenName>>, String, Option<String>, &str) =
        match rng.random_range(0..17) {
            0 => (
                Some(vec![dns(&format!("*.{z}"))]),
                www.clone(),
                Some(www.clone()),
                "wildcard SAN",
            ),
            1 => (
                Some(vec![dns(&format!("*.{z}"))]),
                www.clone(),
                Some(format!("a.b.{z}")),
                "wildcard SAN, host two labels deeper",
            ),
            2 => (
                Some(vec![dns(&format!("w*.{z}"))]),
                www.clone(),
                Some(www.clone()),
                "partial wildcard w*",
            ),
            3 => (
                Some(vec![dns(&format!(
                    "www.*.{}",
                    z.split_once('.').map_or("", |x| x.1)
                ))]),
                www.clone(),
                Some(www.clone()),
                "wildcard in an inner label",
            ),
            4 => (
                Some(vec![GenName::Ip(vec![10, 1, 2, 3])]),
                "10.1.2.3".into(),
                Some("10.1.2.3".into()),
                "IPv4 SAN, IPv4 host",
            ),
            5 => (
                Some(vec![GenName::Ip(vec![
                    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
                ])]),
                "2001:db8::5".into(),
                Some(if rng.random_bool(0.5) {
                    "2001:db8::5".into()
                } else {
                    "2001:db8:0:0:0:0:0:5".into()
                }),
                "IPv6 SAN, IPv6 host",
            ),
            6 => (
                Some(vec![dns(&www)]),
                www.clone(),
                Some("10.1.2.3".into()),
                "DNS SAN, IP host",
            ),
            7 => (
                None,
                "10.1.2.3".into(),
                Some("10.1.2.3".into()),
                "IP in the CN only",
            ),
            8 => (None, www.clone(), Some(www.clone()), "no SAN, CN = host"),
            9 => (
                None,
                format!("other.{z}"),
                Some(www.clone()),
                "no SAN, CN another name",
            ),
            10 => (
                Some(vec![dns(&format!("other.{z}"))]),
                www.clone(),
                Some(www.clone()),
                "SAN another name, CN = host",
            ),
            11 => (
                Some(vec![dns(&www)]),
                www.clone(),
                Some(format!("{www}.")),
                "host with a trailing dot",
            ),
            12 => (
                Some(vec![dns(&format!("{www}."))]),
                www.clone(),
                Some(www.clone()),
                "SAN with a trailing dot",
            ),
            13 => (
                Some(vec![dns(&www.to_uppercase())]),
                www.clone(),
                Some(if rng.random_bool(0.5) {
                    www.clone()
                } else {
                    format!("WwW.{z}")
                }),
                "upper-case SAN / mixed-case host",
            ),
            14 => (
                Some(vec![
                    GenName::Email(format!("admin@{z}")),
                    GenName::Uri(format!("https://{www}/")),
                ]),
                www.clone(),
                Some(www.clone()),
                "SAN with e-mail and URI only, CN = host",
            ),
            15 => (
                Some(vec![]),
                www.clone(),
                Some(www.clone()),
                "empty SAN extension",
            ),
            _ => (
                Some(vec![dns(&format!(
                    "*.*.{}",
                    z.split_once('.').map_or("", |x| x.1)
                ))]),
                www.clone(),
                Some(www.clone()),
                "two wildcards",
            ),
        };
    p.set_leaf_names(san, &cn, StrKind::Utf8);
    p.host = host;
    Some(what.into())
}

fn idn(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let z = p.zone.clone();
    let a_label = format!("xn--bcher-kva.{z}");
    let u_label = format!("bücher.{z}");
    let (san, host, what) = match rng.random_range(0..6) {
        0 => (
            a_label.clone(),
            u_label.clone(),
            "punycode SAN, Unicode host",
        ),
        1 => (
            a_label.clone(),
            a_label.clone(),
            "punycode SAN, punycode host",
        ),
        2 => (
            u_label.clone(),
            u_label.clone(),
            "raw UTF-8 SAN, Unicode host",
        ),
        3 => (
            u_label.clone(),
            a_label.clone(),
            "raw UTF-8 SAN, punycode host",
        ),
        4 => (
            format!("*.{u_label}"),
            format!("www.{u_label}"),
            "wildcard over a U-label",
        ),
        _ => (
            format!("b*cher.{z}"),
            u_label.clone(),
            "wildcard inside a would-be U-label",
        ),
    };
    p.set_leaf_names(Some(vec![GenName::Dns(san)]), &a_label, StrKind::Utf8);
    p.host = Some(host);
    Some(what.into())
}

// ---- name constraints ----

fn constrained_ca(p: &Plan, rng: &mut StdRng) -> Option<usize> {
    // An intermediate, or the root (an anchor's own constraints are not the JDK's business).
    let mut cas = p.ints.clone();
    if cas.is_empty() || rng.random_bool(0.25) {
        cas.push(p.root);
    }
    choose(rng, &cas)
}

fn nc_dns(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    let z = p.zone.clone();
    let (permitted, excluded, what) = match rng.random_range(0..5) {
        0 => (
            vec![GenName::Dns(z.clone())],
            vec![],
            "permits the leaf's zone",
        ),
        1 => (
            vec![GenName::Dns("elsewhere.test".into())],
            vec![],
            "permits another zone",
        ),
        2 => (
            vec![],
            vec![GenName::Dns(z.clone())],
            "excludes the leaf's zone",
        ),
        3 => (
            vec![GenName::Dns(format!(".{z}"))],
            vec![],
            "permits .zone (leading dot)",
        ),
        _ => (
            vec![GenName::Dns(z.clone())],
            vec![GenName::Dns(format!("www.{z}"))],
            "permits the zone, excludes the host",
        ),
    };
    p.specs[c].nc = Some((rng.random_bool(0.8), permitted, excluded));
    Some(format!("{} DNS name constraints: {what}", p.label(c)))
}

fn nc_ip(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    p.set_leaf_names(
        Some(vec![GenName::Ip(vec![10, 1, 2, 3])]),
        "10.1.2.3",
        StrKind::Utf8,
    );
    p.host = Some("10.1.2.3".into());
    let (permitted, excluded, what) = match rng.random_range(0..3) {
        0 => (
            vec![GenName::Ip(vec![10, 0, 0, 0, 255, 0, 0, 0])],
            vec![],
            "permits 10/8",
        ),
        1 => (
            vec![GenName::Ip(vec![192, 168, 0, 0, 255, 255, 0, 0])],
            vec![],
            "permits 192.168/16",
        ),
        _ => (
            vec![],
            vec![GenName::Ip(vec![10, 1, 0, 0, 255, 255, 0, 0])],
            "excludes 10.1/16",
        ),
    };
    p.specs[c].nc = Some((true, permitted, excluded));
    Some(format!(
        "leaf for IP 10.1.2.3; {} IP name constraints {what}",
        p.label(c)
    ))
}

fn nc_dn(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    let base = Name(vec![vec![spec::Atv {
        oid: spec::O,
        kind: StrKind::Utf8,
        text: if rng.random_bool(0.5) {
            "Oracle Services".into()
        } else {
            "Somebody Else".into()
        },
    }]]);
    let what = base.text();
    if rng.random_bool(0.7) {
        p.specs[c].nc = Some((true, vec![GenName::Dir(base)], vec![]));
        Some(format!("{} permits directoryName {what}", p.label(c)))
    } else {
        p.specs[c].nc = Some((true, vec![], vec![GenName::Dir(base)]));
        Some(format!("{} excludes directoryName {what}", p.label(c)))
    }
}

fn nc_cn_only(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    let www = format!("www.{}", p.zone);
    p.set_leaf_names(None, &www, StrKind::Utf8);
    p.host = Some(www);
    let permit = if rng.random_bool(0.5) {
        p.zone.clone()
    } else {
        "elsewhere.test".into()
    };
    p.specs[c].nc = Some((true, vec![GenName::Dns(permit.clone())], vec![]));
    Some(format!(
        "leaf without SAN (CN = host); {} permits DNS {permit}",
        p.label(c)
    ))
}

fn nc_many_names(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    let z = p.zone.clone();
    let n = rng.random_range(200..1500);
    let mut names: Vec<GenName> = (0..n).map(|i| GenName::Dns(format!("h{i}.{z}"))).collect();
    names.push(GenName::Dns(format!("www.{z}")));
    let leaf = p.leaf;
    p.specs[leaf].san = Some((false, names));
    p.host = Some(format!("www.{z}"));
    p.specs[c].nc = Some((true, vec![GenName::Dns(z)], vec![]));
    Some(format!(
        "leaf with {} DNS names; {} permits their zone",
        n + 1,
        p.label(c)
    ))
}

fn nc_invalid_san(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = constrained_ca(p, rng)?;
    let z = p.zone.clone();
    let bad = match rng.random_range(0..4) {
        0 => format!("bad..name.{z}"),
        1 => format!("-dash.{z}"),
        2 => format!("under_score.{z}"),
        _ => format!("sp ace.{z}"),
    };
    let leaf = p.leaf;
    p.specs[leaf].san = Some((
        false,
        vec![GenName::Dns(bad.clone()), GenName::Dns(format!("www.{z}"))],
    ));
    p.host = Some(format!("www.{z}"));
    p.specs[c].nc = Some((true, vec![GenName::Dns(z)], vec![]));
    Some(format!(
        "leaf SAN has invalid DNS name {bad:?}; {} permits the zone",
        p.label(c)
    ))
}

// ---- names and their encodings ----

fn name_string_type(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let kind = StrKind::ALL[rng.random_range(0..StrKind::ALL.len())];
    p.specs[c].subject.cn_mut()?.kind = kind;
    Some(format!("{} subject CN as {}", p.label(c), kind.name()))
}

fn issuer_of(p: &Plan, c: usize) -> Option<usize> {
    p.specs[c].issuer
}

fn issuer_reencoded(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.children())?;
    let i = issuer_of(p, c)?;
    let mut name = p.specs[i].subject.clone();
    let cn = name.cn_mut()?;
    let kind = loop {
        let k = StrKind::ALL[rng.random_range(0..StrKind::ALL.len())];
        if k != cn.kind {
            break k;
        }
    };
    cn.kind = kind;
    p.specs[c].issuer_name = Some(name);
    Some(format!(
        "{} issuer CN re-encoded as {}",
        p.label(c),
        kind.name()
    ))
}

fn issuer_case_space(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.children())?;
    let i = issuer_of(p, c)?;
    let mut name = p.specs[i].subject.clone();
    let cn = name.cn_mut()?;
    let what = match rng.random_range(0..3) {
        0 => {
            cn.text = cn.text.to_uppercase();
            "upper case"
        }
        1 => {
            cn.text = cn.text.replace(' ', "  ");
            "doubled inner spaces"
        }
        _ => {
            cn.text = format!(" {} ", cn.text);
            "leading and trailing space"
        }
    };
    p.specs[c].issuer_name = Some(name);
    Some(format!("{} issuer CN in {what}", p.label(c)))
}

fn multi_valued_rdn(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let flat = p.specs[c].subject.clone();
    let merged = Name(vec![flat.0.iter().flatten().cloned().collect()]);
    let child = p
        .children()
        .into_iter()
        .find(|&k| p.specs[k].issuer == Some(c));
    if rng.random_bool(0.5) {
        // Subject multi-valued; the child names it as separate RDNs.
        p.specs[c].subject = merged;
        if let Some(k) = child {
            p.specs[k].issuer_name = Some(flat);
        }
        Some(format!(
            "{} subject is one multi-valued RDN; its child names it as separate RDNs",
            p.label(c)
        ))
    } else if let Some(k) = child {
        p.specs[k].issuer_name = Some(merged);
        Some(format!(
            "{} names {} as one multi-valued RDN",
            p.label(k),
            p.label(c)
        ))
    } else {
        p.specs[c].subject = merged;
        Some(format!(
            "{} subject is one multi-valued RDN (consistently)",
            p.label(c)
        ))
    }
}

fn rdn_order(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.children())?;
    let i = issuer_of(p, c)?;
    let mut name = p.specs[i].subject.clone();
    name.0.reverse();
    p.specs[c].issuer_name = Some(name);
    Some(format!("{} issuer RDNs in reverse order", p.label(c)))
}

fn empty_subject(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let leaf = p.leaf;
    p.specs[leaf].subject = Name(vec![]);
    let crit = rng.random_bool(0.5);
    if let Some(san) = &mut p.specs[leaf].san {
        san.0 = crit;
    }
    Some(format!(
        "leaf subject empty, SAN {}",
        if p.specs[leaf].san.is_none() {
            "absent"
        } else if crit {
            "critical"
        } else {
            "not critical"
        }
    ))
}

fn empty_issuer(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    p.specs[c].subject = Name(vec![]);
    Some(format!(
        "{} subject empty (its children's issuer is empty)",
        p.label(c)
    ))
}

fn cn_fallback_encoding(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let kind = StrKind::ALL[rng.random_range(0..StrKind::ALL.len())];
    let www = format!("www.{}", p.zone);
    p.set_leaf_names(None, &www, kind);
    p.host = Some(www);
    Some(format!("no SAN; CN = host as {}", kind.name()))
}

// ---- key identifiers ----

fn aki_absent(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].aki = Aki::Absent;
    Some(format!("{} has no AKI", p.label(c)))
}

fn ski_absent(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].ski = Ski::Absent;
    Some(format!("{} has no SKI", p.label(c)))
}

fn aki_mismatch(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let id: Vec<u8> = (0..20).map(|_| rng.random()).collect();
    p.specs[c].aki = Aki::KeyId(id);
    Some(format!("{} AKI keyIdentifier matches no key", p.label(c)))
}

fn aki_issuer_serial(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.children())?;
    let right = rng.random_bool(0.5);
    p.specs[c].aki = Aki::IssuerSerial(right);
    Some(format!(
        "{} AKI as issuer + serial ({})",
        p.label(c),
        if right { "matching" } else { "wrong serial" }
    ))
}

fn ski_random(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let id: Vec<u8> = (0..rng.random_range(4..20)).map(|_| rng.random()).collect();
    p.specs[c].ski = Ski::Bytes(id);
    Some(format!(
        "{} SKI not derived from its key (children's AKI follow)",
        p.label(c)
    ))
}

// ---- what is served ----

fn served_reordered(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    if p.served.len() < 2 {
        return None;
    }
    match rng.random_range(0..3) {
        0 => {
            p.served[1..].reverse();
            Some("intermediates served in reverse".into())
        }
        1 => {
            p.served[1..].shuffle(rng);
            Some("intermediates shuffled".into())
        }
        _ => {
            p.served.reverse();
            Some("whole chain reversed (leaf last)".into())
        }
    }
}

fn served_root(p: &mut Plan, _rng: &mut StdRng) -> Option<String> {
    p.served.push(p.root);
    Some("root served too".into())
}

fn served_extra(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let mut s = CertSpec::new(
        "stranger",
        pick_key(rng, &HEALTHY_KEYS),
        Name::simple("Stranger", "Stranger CA"),
        serial(rng),
        p.at - 100 * DAY,
        p.at + 1000 * DAY,
    );
    s.bc = Some((true, true, None));
    s.ku = Some((true, ku::KEY_CERT_SIGN));
    let i = p.push(s);
    let pos = rng.random_range(1..=p.served.len());
    p.served.insert(pos, i);
    Some(format!("an unrelated CA served at position {pos}"))
}

fn served_duplicate(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.served)?;
    let pos = rng.random_range(1..=p.served.len());
    p.served.insert(pos, c);
    Some(format!("{} served twice", p.label(c)))
}

fn served_missing(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let candidates: Vec<usize> = (1..p.served.len()).collect();
    let pos = choose(rng, &candidates)?;
    let gone = p.served.remove(pos);
    Some(format!("{} not served", p.label(gone)))
}

// ---- anchors ----

fn anchor_intermediate(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.ints)?;
    p.anchors.push(AnchorEntry::trusted(c, "intermediate"));
    if rng.random_bool(0.5) {
        p.anchors.retain(|a| a.spec != p.root);
        return Some(format!("{} trusted instead of the root", p.label(c)));
    }
    Some(format!("{} trusted too", p.label(c)))
}

fn anchor_leaf(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    p.anchors.push(AnchorEntry::trusted(p.leaf, "leaf"));
    if rng.random_bool(0.5) {
        let root = p.root;
        p.anchors.retain(|a| a.spec != root);
        return Some("the leaf trusted instead of the root".into());
    }
    Some("the leaf trusted too".into())
}

fn v1_root(p: &mut Plan, _rng: &mut StdRng) -> Option<String> {
    let root = p.root;
    p.specs[root].version = 1;
    Some("root is X.509 v1".into())
}

fn non_ca_anchor(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let root = p.root;
    let what = match rng.random_range(0..3) {
        0 => {
            p.specs[root].bc = None;
            "root v3 without basicConstraints"
        }
        1 => {
            p.specs[root].bc = Some((true, false, None));
            "root basicConstraints cA=false"
        }
        _ => {
            p.specs[root].ku = Some((true, ku::DIGITAL_SIGNATURE));
            "root keyUsage without keyCertSign"
        }
    };
    Some(what.into())
}

fn decoy_anchor(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let root = p.root;
    let mut decoy = p.specs[root].clone();
    decoy.label = "decoy".into();
    decoy.key = pick_key(rng, &HEALTHY_KEYS);
    if std::sync::Arc::ptr_eq(&decoy.key, &p.specs[root].key) {
        return None;
    }
    decoy.issuer = None;
    decoy.serial = serial(rng);
    let i = p.push(decoy);
    let pos = rng.random_range(0..=p.anchors.len());
    p.anchors.insert(pos, AnchorEntry::trusted(i, "decoy"));
    Some("another trusted root with the root's name and a different key".into())
}

fn anchor_key_entry(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let n = p.anchors.len();
    let a = &mut p.anchors[rng.random_range(0..n)];
    a.key_entry = true;
    Some(format!(
        "trusted entry {:?} stored as a private-key entry",
        a.alias
    ))
}

fn anchor_alias(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let n = p.anchors.len();
    let i = rng.random_range(0..n);
    if rng.random_bool(0.5) {
        p.anchors[i].alias = format!("Mixed-Case-{}", p.anchors[i].alias);
        Some("an anchor's alias has upper-case letters".into())
    } else {
        let mut dup = p.anchors[i].clone();
        dup.alias = format!("{}-again", dup.alias);
        p.anchors.push(dup);
        Some("an anchor stored twice under two aliases".into())
    }
}

// ---- extensions and versions ----

fn unknown_extension(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let crit = rng.random_bool(0.7);
    p.specs[c].unknown_ext = Some(crit);
    Some(format!(
        "{} has an unknown {} extension",
        p.label(c),
        if crit { "critical" } else { "non-critical" }
    ))
}

/// An extension of a kind the JDK knows, written so that its class cannot decode it: non-critical, the JDK
/// parses the certificate and sets the extension aside (its getters return nothing, JDK 25's
/// `getSubjectAlternativeNames` and `getExtendedKeyUsage` throw); critical, the certificate does not parse.
fn undecodable_extension(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    use super::der::{seq as der_seq, tlv};
    let crit = rng.random_bool(0.15);
    let octets = |b: &[u8]| tlv(0x04, b);
    let leaf = p.leaf;
    let (c, id, value, what): (usize, &'static str, Vec<u8>, String) = match rng.random_range(0..9)
    {
        0 => {
            // An iPAddress of five bytes: `IPAddressName` refuses it. The host stays in the CN.
            let names = der_seq(&[
                tlv(0x82, p.host.clone().unwrap_or_default().as_bytes()),
                tlv(0x87, &[10, 0, 0, 1, 9]),
            ]);
            (
                leaf,
                "2.5.29.17",
                names,
                "subjectAltName with a 5-byte iPAddress".into(),
            )
        }
        1 => (
            leaf,
            "2.5.29.37",
            octets(b"x"),
            "extendedKeyUsage as an OCTET STRING".into(),
        ),
        2 => {
            let ca = choose(rng, &p.cas())?;
            // Excludes the case's own zone, next to a URI constraint with a scheme (`URIName` refuses it).
            let sub = |n: Vec<u8>| der_seq(&[n]);
            let permitted = tlv(0xa0, &sub(tlv(0x86, b"http://uri.oracle.test/")));
            let excluded = tlv(0xa1, &sub(tlv(0x82, p.zone.as_bytes())));
            (
                ca,
                "2.5.29.30",
                der_seq(&[permitted, excluded]),
                format!(
                    "nameConstraints excluding {} with a URI constraint holding a scheme",
                    p.zone
                ),
            )
        }
        3 => {
            let c = choose(rng, &p.all())?;
            (
                c,
                "2.5.29.19",
                octets(&[0x01, 0x01, 0xff]),
                "basicConstraints as an OCTET STRING".into(),
            )
        }
        4 => {
            let c = choose(rng, &p.all())?;
            (
                c,
                "2.5.29.15",
                octets(&[0x03, 0x02, 0x01, 0x86]),
                "keyUsage as an OCTET STRING".into(),
            )
        }
        5 => {
            let c = choose(rng, &p.children())?;
            (
                c,
                "2.5.29.35",
                octets(&[0x80, 0x01, 0x00]),
                "authorityKeyIdentifier as an OCTET STRING".into(),
            )
        }
        6 => {
            let c = choose(rng, &p.cas())?;
            (
                c,
                "2.5.29.14",
                der_seq(&[octets(b"\x01\x02")]),
                "subjectKeyIdentifier as a SEQUENCE".into(),
            )
        }
        7 => {
            let c = choose(rng, &p.all())?;
            (
                c,
                "2.5.29.32",
                der_seq(&[der_seq(&[tlv(0x02, &[0x01])])]),
                "certificatePolicies with an INTEGER for a policy OID".into(),
            )
        }
        _ => (
            leaf,
            "2.16.840.1.113730.1.1",
            octets(&[0x40]),
            "Netscape cert type as an OCTET STRING".into(),
        ),
    };
    p.specs[c].raw_ext = Some((id, crit, value));
    Some(format!(
        "{} has a {} {what}",
        p.label(c),
        if crit { "critical" } else { "non-critical" }
    ))
}

fn v1_cert(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let mut candidates = p.ints.clone();
    candidates.push(p.leaf);
    let c = choose(rng, &candidates)?;
    p.specs[c].version = 1;
    Some(format!("{} is X.509 v1", p.label(c)))
}

fn duplicate_extension(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].duplicate_ext = true;
    Some(format!("{} has an extension twice", p.label(c)))
}

fn serial_odd(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    let (s, what) = match rng.random_range(0..3) {
        0 => (vec![0], "serial 0"),
        1 => (vec![0x7f; 21], "21-byte serial"),
        _ => (vec![0x01; 20], "20-byte serial"),
    };
    p.specs[c].serial = s;
    Some(format!("{} {what}", p.label(c)))
}

// ---- certificate policies ----

fn random_policies(p: &mut Plan, rng: &mut StdRng, include_any: bool) -> String {
    let mut notes = Vec::new();
    for c in p.all() {
        let choice = rng.random_range(0..if include_any { 5 } else { 4 });
        let set: Option<Vec<&str>> = match choice {
            0 => None,
            1 => Some(vec![P1]),
            2 => Some(vec![P2]),
            3 => Some(vec![P1, P2]),
            _ => Some(vec![oids::ANY_POLICY]),
        };
        if let Some(set) = &set {
            notes.push(format!(
                "{}[{}]",
                p.label(c),
                set.iter()
                    .map(|o| short_policy(o))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        p.specs[c].policies = set.map(|s| {
            (
                false,
                s.into_iter()
                    .map(|o| PolicyInfo {
                        oid: o.to_owned(),
                        qualifier: false,
                    })
                    .collect(),
            )
        });
    }
    if notes.is_empty() {
        "no policies".into()
    } else {
        notes.join(" ")
    }
}

fn short_policy(o: &str) -> &'static str {
    match o {
        P1 => "P1",
        P2 => "P2",
        oids::ANY_POLICY => "any",
        _ => "?",
    }
}

fn policies(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    Some(format!("policies {}", random_policies(p, rng, true)))
}

fn require_explicit_policy(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let n = rng.random_range(0..=2u32);
    p.specs[c].policy_constraints = Some((Some(n), None));
    let pol = if rng.random_bool(0.6) {
        random_policies(p, rng, true)
    } else {
        "no policies".into()
    };
    Some(format!("{} requireExplicitPolicy {n}; {pol}", p.label(c)))
}

fn inhibit_policy_mapping(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let n = rng.random_range(0..=1u32);
    p.specs[c].policy_constraints = Some((Some(0), Some(n)));
    let pol = random_policies(p, rng, false);
    if let Some(&m) = p.ints.last() {
        p.specs[m].policy_mappings = Some(vec![(P1.into(), P2.into())]);
    }
    Some(format!(
        "{} requireExplicitPolicy 0, inhibitPolicyMapping {n}; {pol}; last intermediate maps P1→P2",
        p.label(c)
    ))
}

fn inhibit_any_policy(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.cas())?;
    let n = rng.random_range(0..=1u32);
    p.specs[c].inhibit_any = Some(n);
    if rng.random_bool(0.5) {
        p.specs[c].policy_constraints = Some((Some(0), None));
    }
    for k in p.all() {
        p.specs[k].policies = Some((
            false,
            vec![PolicyInfo {
                oid: oids::ANY_POLICY.into(),
                qualifier: false,
            }],
        ));
    }
    Some(format!(
        "{} inhibitAnyPolicy {n}; every certificate asserts anyPolicy only",
        p.label(c)
    ))
}

fn policy_mapping(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.ints)?;
    let (maps, what): (Vec<(String, String)>, &str) = match rng.random_range(0..3) {
        0 => (vec![(P1.into(), P2.into())], "P1→P2"),
        1 => (vec![(oids::ANY_POLICY.into(), P1.into())], "anyPolicy→P1"),
        _ => (vec![(P1.into(), oids::ANY_POLICY.into())], "P1→anyPolicy"),
    };
    p.specs[c].policy_mappings = Some(maps);
    let pol = random_policies(p, rng, true);
    Some(format!("{} maps {what}; {pol}", p.label(c)))
}

fn critical_policy_qualifier(p: &mut Plan, rng: &mut StdRng) -> Option<String> {
    let c = choose(rng, &p.all())?;
    p.specs[c].policies = Some((
        true,
        vec![PolicyInfo {
            oid: P1.into(),
            qualifier: true,
        }],
    ));
    Some(format!(
        "{} critical certificatePolicies P1 with a CPS qualifier",
        p.label(c)
    ))
}

fn no_host(p: &mut Plan, _rng: &mut StdRng) -> Option<String> {
    p.host = None;
    Some("no host name check".into())
}
