//! A corpus of crafted certificates, most of them malformed in one way, for the JDK parser model: every
//! rule of `sun.security.x509` that `tests/it/cert/jdk_parse.rs` checks against the real JVMs has cases on both
//! sides of it. Signatures are garbage (the parser never verifies them); keys are synthetic (the JDK
//! checks their encoding, never that a point is on its curve or a modulus is a product of primes).

/// DER length octets.
pub fn len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let b: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|&x| x == 0)
            .collect();
        let mut out = vec![0x80 | b.len() as u8];
        out.extend(b);
        out
    }
}

pub fn tlv(tag: u8, content: impl AsRef<[u8]>) -> Vec<u8> {
    let c = content.as_ref();
    let mut out = vec![tag];
    out.extend(len(c.len()));
    out.extend_from_slice(c);
    out
}

pub fn cat(parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    parts.into_iter().flatten().collect()
}

pub fn seq(parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    tlv(0x30, cat(parts))
}

pub fn set(parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    tlv(0x31, cat(parts))
}

pub fn oid(dotted: &str) -> Vec<u8> {
    let p: Vec<u64> = dotted.split('.').map(|x| x.parse().unwrap()).collect();
    let mut out = Vec::new();
    let mut enc = |mut v: u64| {
        let mut r = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            r.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        r.reverse();
        out.extend(r);
    };
    enc(p[0] * 40 + p[1]);
    for v in &p[2..] {
        enc(*v);
    }
    tlv(0x06, out)
}

pub fn int_bytes(b: &[u8]) -> Vec<u8> {
    tlv(0x02, b)
}

pub fn int(v: i64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let mut i = 0;
    while i < 7 && ((b[i] == 0 && b[i + 1] & 0x80 == 0) || (b[i] == 0xff && b[i + 1] & 0x80 != 0)) {
        i += 1;
    }
    tlv(0x02, &b[i..])
}

/// An unsigned big integer from its magnitude (a leading zero added when needed).
pub fn uint(mag: &[u8]) -> Vec<u8> {
    let mut b = mag.to_vec();
    if b.first().is_some_and(|x| x & 0x80 != 0) {
        b.insert(0, 0);
    }
    tlv(0x02, b)
}

pub const NULL: [u8; 2] = [0x05, 0x00];

pub fn null() -> Vec<u8> {
    NULL.to_vec()
}

pub fn bits(b: impl AsRef<[u8]>) -> Vec<u8> {
    let mut c = vec![0];
    c.extend_from_slice(b.as_ref());
    tlv(0x03, c)
}

pub fn octets(b: impl AsRef<[u8]>) -> Vec<u8> {
    tlv(0x04, b)
}

pub fn boolean(v: bool) -> Vec<u8> {
    tlv(0x01, [if v { 0xff } else { 0 }])
}

pub fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

pub fn ia5(s: &[u8]) -> Vec<u8> {
    tlv(0x16, s)
}

pub fn utc(s: &str) -> Vec<u8> {
    tlv(0x17, s.as_bytes())
}

pub fn gen_time(s: &str) -> Vec<u8> {
    tlv(0x18, s.as_bytes())
}

/// Context-specific tag `n`, constructed or primitive.
pub fn ctx(n: u8, constructed: bool, content: impl AsRef<[u8]>) -> Vec<u8> {
    tlv(if constructed { 0xa0 | n } else { 0x80 | n }, content)
}

/// A name of one RDN per (OID, value) pair.
pub fn name(attrs: &[(&str, Vec<u8>)]) -> Vec<u8> {
    seq(attrs.iter().map(|(o, v)| set([seq([oid(o), v.clone()])])))
}

pub fn cn(s: &str) -> Vec<u8> {
    name(&[("2.5.4.3", utf8(s))])
}

pub fn alg(o: &str, params: Option<Vec<u8>>) -> Vec<u8> {
    seq([oid(o)].into_iter().chain(params))
}

pub const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
pub const RSA: &str = "1.2.840.113549.1.1.1";
pub const EC: &str = "1.2.840.10045.2.1";
pub const P256: &str = "1.2.840.10045.3.1.7";
pub const SAN: &str = "2.5.29.17";

/// A P-256 public key (an arbitrary point of the right size: the JDK does not check the curve).
pub fn ec_spki() -> Vec<u8> {
    ec_spki_with(Some(oid(P256)), ec_point(32))
}

pub fn ec_point(field_bytes: usize) -> Vec<u8> {
    let mut p = vec![0x04];
    p.extend((0..2 * field_bytes).map(|i| (i as u8).wrapping_mul(7).wrapping_add(1)));
    p
}

pub fn ec_spki_with(params: Option<Vec<u8>>, point: Vec<u8>) -> Vec<u8> {
    seq([alg(EC, params), bits(point)])
}

/// An RSA modulus of `bits` bits (2^(bits-1) + 1).
pub fn modulus(bits: usize) -> Vec<u8> {
    let bytes = bits.div_ceil(8);
    let mut m = vec![0u8; bytes];
    m[0] = 1 << ((bits - 1) % 8);
    m[bytes - 1] |= 1;
    m
}

pub fn rsa_spki(bits_n: usize, e: &[u8], params: Option<Vec<u8>>) -> Vec<u8> {
    seq([
        alg(RSA, params),
        bits(seq([uint(&modulus(bits_n)), uint(e)])),
    ])
}

pub fn ext(o: &str, critical: Option<bool>, value: Vec<u8>) -> Vec<u8> {
    seq([oid(o)]
        .into_iter()
        .chain(critical.map(boolean))
        .chain([octets(value)]))
}

pub fn san_dns(host: &str) -> Vec<u8> {
    seq([ctx(2, false, host.as_bytes())])
}

/// The parts of a tbsCertificate, each already encoded; `None` leaves a field out.
#[derive(Clone)]
pub struct Tbs {
    pub version: Option<Vec<u8>>,
    pub serial: Vec<u8>,
    pub sig: Vec<u8>,
    pub issuer: Vec<u8>,
    pub validity: Vec<u8>,
    pub subject: Vec<u8>,
    pub spki: Vec<u8>,
    pub tail: Vec<u8>,
}

impl Default for Tbs {
    fn default() -> Self {
        Tbs {
            version: Some(ctx(0, true, int(2))),
            serial: int(0x1234),
            sig: alg(ECDSA_SHA256, None),
            issuer: cn("JDK Parse Test CA"),
            validity: seq([utc("250101000000Z"), utc("350101000000Z")]),
            subject: cn("jdk-parse.test"),
            spki: ec_spki(),
            tail: exts(vec![ext(SAN, None, san_dns("jdk-parse.test"))]),
        }
    }
}

/// `[3] { SEQUENCE OF Extension }`.
pub fn exts(list: Vec<Vec<u8>>) -> Vec<u8> {
    ctx(3, true, seq(list))
}

impl Tbs {
    pub fn encode(&self) -> Vec<u8> {
        seq(self.version.clone().into_iter().chain([
            self.serial.clone(),
            self.sig.clone(),
            self.issuer.clone(),
            self.validity.clone(),
            self.subject.clone(),
            self.spki.clone(),
            self.tail.clone(),
        ]))
    }

    /// The certificate with the same outer signature algorithm as the inner one.
    pub fn cert(&self) -> Vec<u8> {
        self.cert_signed_with(self.sig.clone())
    }

    pub fn cert_signed_with(&self, outer: Vec<u8>) -> Vec<u8> {
        seq([
            self.encode(),
            outer,
            bits([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
        ])
    }

    pub fn with(mut self, f: impl FnOnce(&mut Tbs)) -> Tbs {
        f(&mut self);
        self
    }
}

/// A certificate with these extensions.
pub fn with_exts(list: Vec<Vec<u8>>) -> Vec<u8> {
    Tbs::default().with(|t| t.tail = exts(list)).cert()
}

/// A certificate with one extension, critical or not.
pub fn with_ext(o: &str, critical: bool, value: Vec<u8>) -> Vec<u8> {
    with_exts(vec![ext(o, critical.then_some(true), value)])
}

/// A certificate with this subject public key.
pub fn with_key(spki: Vec<u8>) -> Vec<u8> {
    Tbs::default().with(|t| t.spki = spki).cert()
}

/// A certificate whose signature algorithm (inner and outer) is this.
pub fn with_sig(sig: Vec<u8>) -> Vec<u8> {
    Tbs::default().with(|t| t.sig = sig).cert()
}

/// A certificate with one subjectAltName entry (critical or not).
pub fn with_san(entry: Vec<u8>, critical: bool) -> Vec<u8> {
    with_ext(SAN, critical, seq([entry]))
}

/// Every case: (name, DER).
pub fn cases() -> Vec<(String, Vec<u8>)> {
    let mut c: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |n: &str, der: Vec<u8>| c.push((n.to_owned(), der));
    let base = Tbs::default;

    // --- the certificate and X509CertImpl ---
    add("good-v3", base().cert());
    add(
        "good-v1",
        base()
            .with(|t| {
                t.version = None;
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "trailing-bytes-after-certificate",
        cat([base().cert(), vec![0xde, 0xad]]),
    );
    add(
        "outer-two-elements",
        seq([base().encode(), alg(ECDSA_SHA256, None)]),
    );
    add(
        "outer-four-elements",
        seq([base().encode(), alg(ECDSA_SHA256, None), bits([1]), int(1)]),
    );
    add(
        "tbs-not-a-sequence",
        seq([set([int(1)]), alg(ECDSA_SHA256, None), bits([1])]),
    );
    add(
        "outer-not-a-sequence",
        set([base().encode(), alg(ECDSA_SHA256, None), bits([1])]),
    );
    add(
        "signature-not-a-bit-string",
        seq([base().encode(), alg(ECDSA_SHA256, None), octets([1])]),
    );
    add(
        "signature-empty-bit-string",
        seq([base().encode(), alg(ECDSA_SHA256, None), tlv(0x03, [])]),
    );
    add(
        "signature-eight-pad-bits",
        seq([base().encode(), alg(ECDSA_SHA256, None), tlv(0x03, [8, 0])]),
    );
    add(
        "signature-nonzero-pad-bits",
        seq([
            base().encode(),
            alg(ECDSA_SHA256, None),
            tlv(0x03, [1, 0xff]),
        ]),
    );
    add(
        "sig-alg-mismatch-oid",
        base().cert_signed_with(alg("1.2.840.10045.4.3.3", None)),
    );
    add(
        "sig-alg-mismatch-rsa-vs-ecdsa",
        base().cert_signed_with(alg("1.2.840.113549.1.1.11", Some(null()))),
    );
    add(
        "sig-alg-null-outer-absent-inner",
        base().cert_signed_with(alg(ECDSA_SHA256, Some(null()))),
    );
    add(
        "sig-alg-params-differ",
        base()
            .with(|t| t.sig = alg(ECDSA_SHA256, Some(int(1))))
            .cert_signed_with(alg(ECDSA_SHA256, Some(int(2)))),
    );
    add(
        "sig-alg-same-params",
        with_sig(alg(ECDSA_SHA256, Some(int(1)))),
    );
    add(
        "sig-alg-params-long-form-length",
        base()
            .with(|t| t.sig = alg(ECDSA_SHA256, Some(vec![0x02, 0x81, 0x01, 0x05])))
            .cert_signed_with(alg(ECDSA_SHA256, Some(int(5)))),
    );
    add(
        "sig-alg-not-a-sequence",
        base().with(|t| t.sig = oid(ECDSA_SHA256)).cert(),
    );
    add(
        "sig-alg-extra-data",
        with_sig(seq([oid(ECDSA_SHA256), null(), int(1)])),
    );
    add(
        "sig-alg-null-with-content",
        with_sig(seq([oid(ECDSA_SHA256), vec![0x05, 0x01, 0x00]])),
    );
    add(
        "sig-alg-oid-leading-0x80",
        with_sig(seq([vec![0x06, 0x03, 0x2a, 0x80, 0x01]])),
    );
    add(
        "sig-alg-oid-not-terminated",
        with_sig(seq([vec![0x06, 0x02, 0x2a, 0x86]])),
    );
    add("sig-alg-oid-empty", with_sig(seq([vec![0x06, 0x00]])));
    add("tbs-long-form-lengths", {
        let t = base().encode();
        let mut nonmin = vec![0x30, 0x84];
        nonmin.extend(((t.len() - 3) as u32).to_be_bytes());
        nonmin.extend(&t[3..]);
        seq([nonmin, alg(ECDSA_SHA256, None), bits([1])])
    });
    add("outer-indefinite-length", {
        let mut v = vec![0x30, 0x80];
        v.extend(base().encode());
        v.extend(alg(ECDSA_SHA256, None));
        v.extend(bits([1]));
        v.extend([0, 0]);
        v
    });
    add(
        "issuer-indefinite-length-inside-definite-tbs",
        base()
            .with(|t| {
                let n = cn("Indefinite CA");
                let mut v = vec![0x30, 0x80];
                v.extend(&n[2..]);
                v.extend([0, 0]);
                t.issuer = v;
            })
            .cert(),
    );
    add(
        "five-byte-length",
        seq([
            vec![0x30, 0x85, 0, 0, 0, 0, 1, 0],
            alg(ECDSA_SHA256, None),
            bits([1]),
        ]),
    );
    add(
        "multi-byte-tag-in-tbs",
        base()
            .with(|t| t.serial = vec![0x1f, 0x81, 0x01, 0x01, 0x00])
            .cert(),
    );
    add("truncated-certificate", {
        let mut v = base().cert();
        v.truncate(v.len() - 5);
        v
    });

    // --- version ---
    add(
        "version-v4-without-extensions",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(3)));
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "version-v4-with-extensions",
        base()
            .with(|t| t.version = Some(ctx(0, true, int(3))))
            .cert(),
    );
    add(
        "version-negative-without-extensions",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(-1)));
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "version-primitive-tag",
        base().with(|t| t.version = Some(ctx(0, false, [2]))).cert(),
    );
    add(
        "version-primitive-tag-no-extensions",
        base()
            .with(|t| {
                t.version = Some(ctx(0, false, [2]));
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "version-trailing-data-inside",
        base()
            .with(|t| t.version = Some(ctx(0, true, cat([int(2), int(7)]))))
            .cert(),
    );
    add(
        "version-too-large",
        base()
            .with(|t| t.version = Some(ctx(0, true, int(1 << 40))))
            .cert(),
    );
    add(
        "version-not-integer",
        base()
            .with(|t| t.version = Some(ctx(0, true, octets([2]))))
            .cert(),
    );
    add(
        "version-v1-explicit-with-extensions",
        base()
            .with(|t| t.version = Some(ctx(0, true, int(0))))
            .cert(),
    );
    add(
        "version-v2-with-extensions",
        base()
            .with(|t| t.version = Some(ctx(0, true, int(1))))
            .cert(),
    );

    // --- serial ---
    add(
        "serial-negative",
        base().with(|t| t.serial = int(-5)).cert(),
    );
    add("serial-zero", base().with(|t| t.serial = int(0)).cert());
    add(
        "serial-40-bytes",
        base().with(|t| t.serial = uint(&[0x7f; 40])).cert(),
    );
    add(
        "serial-redundant-leading-zeros",
        base().with(|t| t.serial = int_bytes(&[0, 0, 1])).cert(),
    );
    add(
        "serial-empty",
        base().with(|t| t.serial = int_bytes(&[])).cert(),
    );
    add(
        "serial-not-integer",
        base().with(|t| t.serial = octets([1])).cert(),
    );

    // --- issuer and subject names ---
    add("issuer-empty", base().with(|t| t.issuer = seq([])).cert());
    add(
        "issuer-one-empty-rdn",
        base().with(|t| t.issuer = seq([set([])])).cert(),
    );
    add(
        "issuer-empty-rdn-and-cn",
        base()
            .with(|t| t.issuer = seq([set([]), set([seq([oid("2.5.4.3"), utf8("x")])])]))
            .cert(),
    );
    add(
        "issuer-as-a-set",
        base()
            .with(|t| t.issuer = set([seq([oid("2.5.4.3"), utf8("x")])]))
            .cert(),
    );
    add(
        "issuer-rdn-not-a-set",
        base()
            .with(|t| t.issuer = seq([seq([seq([oid("2.5.4.3"), utf8("x")])])]))
            .cert(),
    );
    add(
        "issuer-ava-not-a-sequence",
        base()
            .with(|t| t.issuer = seq([set([set([oid("2.5.4.3"), utf8("x")])])]))
            .cert(),
    );
    add(
        "issuer-ava-extra-bytes",
        base()
            .with(|t| t.issuer = seq([set([seq([oid("2.5.4.3"), utf8("x"), utf8("y")])])]))
            .cert(),
    );
    add(
        "issuer-ava-missing-value",
        base()
            .with(|t| t.issuer = seq([set([seq([oid("2.5.4.3")])])]))
            .cert(),
    );
    add(
        "issuer-ava-oid-bad",
        base()
            .with(|t| t.issuer = seq([set([seq([vec![0x06, 0x02, 0x80, 0x01], utf8("x")])])]))
            .cert(),
    );
    add(
        "issuer-ava-integer-value",
        base()
            .with(|t| t.issuer = name(&[("2.5.4.3", int(7))]))
            .cert(),
    );
    add(
        "issuer-bmp-surrogate",
        base()
            .with(|t| {
                t.issuer = name(&[("2.5.4.3", tlv(0x1e, [0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00]))])
            })
            .cert(),
    );
    add(
        "issuer-bmp-plain",
        base()
            .with(|t| t.issuer = name(&[("2.5.4.3", tlv(0x1e, [0x00, 0x41, 0x00, 0x42]))]))
            .cert(),
    );
    add(
        "issuer-bmp-odd-length",
        base()
            .with(|t| t.issuer = name(&[("2.5.4.3", tlv(0x1e, [0x00, 0x41, 0x00]))]))
            .cert(),
    );
    add(
        "issuer-multi-valued-rdn",
        base()
            .with(|t| {
                t.issuer = seq([set([
                    seq([oid("2.5.4.3"), utf8("x")]),
                    seq([oid("2.5.4.10"), utf8("o")]),
                ])])
            })
            .cert(),
    );
    add(
        "issuer-utf8-invalid-bytes",
        base()
            .with(|t| t.issuer = name(&[("2.5.4.3", tlv(0x0c, [0xff, 0xfe]))]))
            .cert(),
    );
    add(
        "issuer-universal-string",
        base()
            .with(|t| t.issuer = name(&[("2.5.4.3", tlv(0x1c, [0, 0, 0, 0x41]))]))
            .cert(),
    );
    add(
        "subject-empty-v3-no-extensions",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "subject-empty-v1",
        base()
            .with(|t| {
                t.version = None;
                t.subject = seq([]);
                t.tail.clear();
            })
            .cert(),
    );
    add(
        "subject-empty-v3-without-san",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail = exts(vec![ext("2.5.29.19", None, seq([]))]);
            })
            .cert(),
    );
    add(
        "subject-empty-v3-empty-extension-list",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail = exts(vec![]);
            })
            .cert(),
    );
    add(
        "subject-empty-noncritical-san",
        base().with(|t| t.subject = seq([])).cert(),
    );
    add(
        "subject-empty-critical-san",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail = exts(vec![ext(SAN, Some(true), san_dns("a.test"))]);
            })
            .cert(),
    );
    add(
        "subject-empty-noncritical-unparseable-san",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail = exts(vec![ext(SAN, None, seq([]))]);
            })
            .cert(),
    );
    add(
        "subject-empty-rdn-v3-critical-san",
        base()
            .with(|t| {
                t.subject = seq([set([])]);
                t.tail = exts(vec![ext(SAN, Some(true), san_dns("a.test"))]);
            })
            .cert(),
    );
    add(
        "subject-empty-v2-unique-id",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.subject = seq([]);
                t.tail = ctx(1, false, [0, 0xaa]);
            })
            .cert(),
    );
    add(
        "subject-empty-v3-unknown-trailing-field",
        base()
            .with(|t| {
                t.subject = seq([]);
                t.tail = ctx(4, true, int(1));
            })
            .cert(),
    );
    add(
        "subject-as-a-set",
        base()
            .with(|t| t.subject = set([seq([oid("2.5.4.3"), utf8("x")])]))
            .cert(),
    );

    // --- validity ---
    add(
        "validity-not-a-sequence",
        base()
            .with(|t| t.validity = set([utc("250101000000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-empty",
        base().with(|t| t.validity = seq([])).cert(),
    );
    add(
        "validity-one-time",
        base()
            .with(|t| t.validity = seq([utc("250101000000Z")]))
            .cert(),
    );
    add(
        "validity-three-times",
        base()
            .with(|t| {
                t.validity = seq([
                    utc("250101000000Z"),
                    utc("350101000000Z"),
                    utc("350101000000Z"),
                ])
            })
            .cert(),
    );
    add(
        "validity-generalized",
        base()
            .with(|t| t.validity = seq([gen_time("20250101000000Z"), gen_time("20500101000000Z")]))
            .cert(),
    );
    add(
        "validity-generalized-fraction",
        base()
            .with(|t| {
                t.validity = seq([
                    gen_time("20250101000000.123Z"),
                    gen_time("20500101000000,5Z"),
                ])
            })
            .cert(),
    );
    add(
        "validity-generalized-empty-fraction",
        base()
            .with(|t| t.validity = seq([gen_time("20250101000000.Z"), gen_time("20500101000000Z")]))
            .cert(),
    );
    add(
        "validity-generalized-no-seconds",
        base()
            .with(|t| t.validity = seq([gen_time("202501010000Z"), gen_time("20500101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-no-seconds",
        base()
            .with(|t| t.validity = seq([utc("2501010000Z"), utc("3501010000Z")]))
            .cert(),
    );
    add(
        "validity-utc-offset",
        base()
            .with(|t| t.validity = seq([utc("250101000000+0130"), utc("350101000000-0800")]))
            .cert(),
    );
    add(
        "validity-utc-bad-offset-hour",
        base()
            .with(|t| t.validity = seq([utc("250101000000+2400"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-no-zone",
        base()
            .with(|t| t.validity = seq([utc("250101000000"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-lowercase-z",
        base()
            .with(|t| t.validity = seq([utc("250101000000z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-month-13",
        base()
            .with(|t| t.validity = seq([utc("251301000000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-day-zero",
        base()
            .with(|t| t.validity = seq([utc("250100000000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-february-31",
        base()
            .with(|t| t.validity = seq([utc("250231000000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-leap-second",
        base()
            .with(|t| t.validity = seq([utc("250101235960Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-hour-24",
        base()
            .with(|t| t.validity = seq([utc("250101240000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-too-short",
        base()
            .with(|t| t.validity = seq([utc("2501010000"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-too-long",
        base()
            .with(|t| t.validity = seq([utc("250101000000.123+0000"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-generalized-too-short",
        base()
            .with(|t| t.validity = seq([gen_time("2025010100Z"), gen_time("20500101000000Z")]))
            .cert(),
    );
    add(
        "validity-letters",
        base()
            .with(|t| t.validity = seq([utc("25a101000000Z"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-integer",
        base()
            .with(|t| t.validity = seq([int(1), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-in-generalized-tag",
        base()
            .with(|t| t.validity = seq([gen_time("250101000000Z"), utc("350101000000Z")]))
            .cert(),
    );

    // --- subject public keys ---
    add(
        "key-not-a-sequence",
        with_key(set([alg(EC, Some(oid(P256))), bits(ec_point(32))])),
    );
    add(
        "key-excess-element",
        with_key(seq([alg(EC, Some(oid(P256))), bits(ec_point(32)), int(1)])),
    );
    add(
        "key-algid-extra",
        with_key(seq([seq([oid(EC), oid(P256), int(1)]), bits(ec_point(32))])),
    );
    add(
        "key-not-a-bit-string",
        with_key(seq([alg(EC, Some(oid(P256))), octets(ec_point(32))])),
    );
    add(
        "key-unknown-algorithm",
        with_key(seq([alg("1.2.3.4.5", None), bits(b"anything")])),
    );
    add(
        "key-unknown-algorithm-with-params",
        with_key(seq([alg("1.2.3.4.5", Some(int(9))), bits(b"anything")])),
    );
    add(
        "key-rsa-signature-oid-as-key",
        with_key(seq([
            alg("1.2.840.113549.1.1.11", Some(null())),
            bits(b"whatever"),
        ])),
    );
    add(
        "key-rsa-2048",
        with_key(rsa_spki(2048, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-2048-no-params",
        with_key(rsa_spki(2048, &[1, 0, 1], None)),
    );
    add(
        "key-rsa-2048-integer-params",
        with_key(rsa_spki(2048, &[1, 0, 1], Some(int(1)))),
    );
    add(
        "key-rsa-511-bits",
        with_key(rsa_spki(511, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-505-bits",
        with_key(rsa_spki(505, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-504-bits",
        with_key(rsa_spki(504, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-16384-bits",
        with_key(rsa_spki(16384, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-16385-bits",
        with_key(rsa_spki(16385, &[1, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-exponent-1",
        with_key(rsa_spki(2048, &[1], Some(null()))),
    );
    add(
        "key-rsa-exponent-3",
        with_key(rsa_spki(2048, &[3], Some(null()))),
    );
    add(
        "key-rsa-exponent-even",
        with_key(rsa_spki(2048, &[4], Some(null()))),
    );
    add(
        "key-rsa-exponent-65-bits-3072",
        with_key(rsa_spki(3072, &[1, 0, 0, 0, 0, 0, 0, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-exponent-65-bits-3073",
        with_key(rsa_spki(3073, &[1, 0, 0, 0, 0, 0, 0, 0, 1], Some(null()))),
    );
    add(
        "key-rsa-exponent-not-below-modulus",
        with_key(seq([
            alg(RSA, Some(null())),
            bits(seq([uint(&modulus(1024)), uint(&modulus(1024))])),
        ])),
    );
    add(
        "key-rsa-negative-modulus",
        with_key(seq([
            alg(RSA, Some(null())),
            bits(seq([
                int_bytes(&{
                    let mut m = modulus(2048);
                    m[0] |= 0x80;
                    m
                }),
                int(65537),
            ])),
        ])),
    );
    add(
        "key-rsa-not-a-sequence",
        with_key(seq([
            alg(RSA, Some(null())),
            bits(set([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-rsa-extra-integer",
        with_key(seq([
            alg(RSA, Some(null())),
            bits(seq([uint(&modulus(2048)), int(65537), int(1)])),
        ])),
    );
    add(
        "key-rsa-trailing-bytes",
        with_key(seq([
            alg(RSA, Some(null())),
            bits(cat([seq([uint(&modulus(2048)), int(65537)]), vec![0]])),
        ])),
    );
    add(
        "key-rsa-old-x500-oid",
        with_key(seq([
            alg("2.5.8.1.1", None),
            bits(seq([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-rsa-arc-oid",
        with_key(seq([
            alg("1.2.840.113549.1.1", None),
            bits(seq([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-rsa-pss-no-params",
        with_key(seq([
            alg("1.2.840.113549.1.1.10", None),
            bits(seq([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-rsa-pss-sha256-params",
        with_key(seq([
            alg(
                "1.2.840.113549.1.1.10",
                Some(pss_params(
                    "2.16.840.1.101.3.4.2.1",
                    "2.16.840.1.101.3.4.2.1",
                    32,
                )),
            ),
            bits(seq([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-rsa-pss-bad-params",
        with_key(seq([
            alg("1.2.840.113549.1.1.10", Some(seq([ctx(3, true, int(2))]))),
            bits(seq([uint(&modulus(2048)), int(65537)])),
        ])),
    );
    add(
        "key-ec-no-params",
        with_key(ec_spki_with(None, ec_point(32))),
    );
    add(
        "key-ec-null-params",
        with_key(ec_spki_with(Some(null()), ec_point(32))),
    );
    add(
        "key-ec-unknown-curve",
        with_key(ec_spki_with(Some(oid("1.2.3.4")), ec_point(32))),
    );
    add(
        "key-ec-x25519-oid-as-curve",
        with_key(ec_spki_with(Some(oid("1.3.101.110")), ec_point(32))),
    );
    add(
        "key-ec-explicit-params",
        with_key(ec_spki_with(
            Some(seq([
                int(1),
                seq([oid("1.2.840.10045.1.1"), uint(&[0xff; 32])]),
            ])),
            ec_point(32),
        )),
    );
    add(
        "key-ec-secp256k1",
        with_key(ec_spki_with(Some(oid("1.3.132.0.10")), ec_point(32))),
    );
    add(
        "key-ec-brainpool-p256",
        with_key(ec_spki_with(
            Some(oid("1.3.36.3.3.2.8.1.1.7")),
            ec_point(32),
        )),
    );
    add(
        "key-ec-brainpool-p512",
        with_key(ec_spki_with(
            Some(oid("1.3.36.3.3.2.8.1.1.13")),
            ec_point(64),
        )),
    );
    add(
        "key-ec-p384",
        with_key(ec_spki_with(Some(oid("1.3.132.0.34")), ec_point(48))),
    );
    add(
        "key-ec-p521",
        with_key(ec_spki_with(Some(oid("1.3.132.0.35")), ec_point(66))),
    );
    add(
        "key-ec-p521-short-point",
        with_key(ec_spki_with(Some(oid("1.3.132.0.35")), ec_point(65))),
    );
    add(
        "key-ec-sect163k1",
        with_key(ec_spki_with(Some(oid("1.3.132.0.1")), ec_point(21))),
    );
    add(
        "key-ec-secp112r1-p256-point",
        with_key(ec_spki_with(Some(oid("1.3.132.0.6")), ec_point(32))),
    );
    add(
        "key-ec-compressed-point",
        with_key(ec_spki_with(Some(oid(P256)), {
            let mut p = vec![0x02];
            p.extend([7u8; 32]);
            p
        })),
    );
    add(
        "key-ec-infinity",
        with_key(ec_spki_with(Some(oid(P256)), vec![0x00])),
    );
    add(
        "key-ec-point-one-byte-long",
        with_key(ec_spki_with(Some(oid(P256)), {
            let mut p = ec_point(32);
            p.push(9);
            p
        })),
    );
    add(
        "key-ec-point-one-byte-short",
        with_key(ec_spki_with(Some(oid(P256)), {
            let mut p = ec_point(32);
            p.pop();
            p
        })),
    );
    add(
        "key-ec-point-empty",
        with_key(seq([alg(EC, Some(oid(P256))), tlv(0x03, [0])])),
    );
    add(
        "key-ec-pad-bits",
        with_key(seq([
            alg(EC, Some(oid(P256))),
            tlv(0x03, cat([vec![3], ec_point(32)])),
        ])),
    );
    add(
        "key-dsa-with-params",
        with_key(seq([
            alg(
                "1.2.840.10040.4.1",
                Some(seq([uint(&modulus(2048)), uint(&modulus(256)), uint(&[2])])),
            ),
            bits(uint(&modulus(2040))),
        ])),
    );
    add(
        "key-dsa-without-params",
        with_key(seq([
            alg("1.2.840.10040.4.1", None),
            bits(uint(&modulus(2040))),
        ])),
    );
    add(
        "key-dsa-oiw-oid",
        with_key(seq([
            alg("1.3.14.3.2.12", None),
            bits(uint(&modulus(1024))),
        ])),
    );
    add(
        "key-dsa-two-params",
        with_key(seq([
            alg(
                "1.2.840.10040.4.1",
                Some(seq([uint(&modulus(2048)), uint(&modulus(256))])),
            ),
            bits(uint(&modulus(2040))),
        ])),
    );
    add(
        "key-dsa-params-not-sequence",
        with_key(seq([
            alg("1.2.840.10040.4.1", Some(set([int(1), int(2), int(3)]))),
            bits(uint(&modulus(2040))),
        ])),
    );
    add(
        "key-dsa-y-not-integer",
        with_key(seq([
            alg("1.2.840.10040.4.1", None),
            bits(octets([1, 2, 3])),
        ])),
    );
    add(
        "key-dsa-y-with-trailing-bytes",
        with_key(seq([
            alg("1.2.840.10040.4.1", None),
            bits(cat([int(77), vec![0xff]])),
        ])),
    );
    add(
        "key-dh-pkcs3",
        with_key(seq([
            alg(
                "1.2.840.113549.1.3.1",
                Some(seq([uint(&modulus(2048)), int(2)])),
            ),
            bits(uint(&modulus(2000))),
        ])),
    );
    add(
        "key-dh-pkcs3-with-length",
        with_key(seq([
            alg(
                "1.2.840.113549.1.3.1",
                Some(seq([uint(&modulus(2048)), int(2), int(256)])),
            ),
            bits(uint(&modulus(2000))),
        ])),
    );
    add(
        "key-dh-no-params",
        with_key(seq([
            alg("1.2.840.113549.1.3.1", None),
            bits(uint(&modulus(2000))),
        ])),
    );
    add(
        "key-dh-x942-with-q",
        with_key(seq([
            alg(
                "1.2.840.10046.2.1",
                Some(seq([uint(&modulus(2048)), int(2), uint(&modulus(256))])),
            ),
            bits(uint(&modulus(2000))),
        ])),
    );
    add(
        "key-dh-y-not-integer",
        with_key(seq([
            alg(
                "1.2.840.113549.1.3.1",
                Some(seq([uint(&modulus(2048)), int(2)])),
            ),
            bits(octets([5])),
        ])),
    );
    add(
        "key-ed25519",
        with_key(seq([alg("1.3.101.112", None), bits([7u8; 32])])),
    );
    add(
        "key-ed25519-null-params",
        with_key(seq([alg("1.3.101.112", Some(null())), bits([7u8; 32])])),
    );
    add(
        "key-ed25519-integer-params",
        with_key(seq([alg("1.3.101.112", Some(int(1))), bits([7u8; 32])])),
    );
    add(
        "key-ed25519-31-bytes",
        with_key(seq([alg("1.3.101.112", None), bits([7u8; 31])])),
    );
    add(
        "key-ed25519-pad-bits",
        with_key(seq([
            alg("1.3.101.112", None),
            tlv(0x03, cat([vec![1], vec![7u8; 32]])),
        ])),
    );
    add(
        "key-ed25519-empty",
        with_key(seq([alg("1.3.101.112", None), tlv(0x03, [0])])),
    );
    add(
        "key-ed448",
        with_key(seq([alg("1.3.101.113", None), bits([7u8; 57])])),
    );
    add(
        "key-ed448-56-bytes",
        with_key(seq([alg("1.3.101.113", None), bits([7u8; 56])])),
    );
    add(
        "key-x25519",
        with_key(seq([alg("1.3.101.110", None), bits([7u8; 32])])),
    );
    add(
        "key-x25519-33-bytes",
        with_key(seq([alg("1.3.101.110", None), bits([7u8; 33])])),
    );
    add(
        "key-x25519-empty",
        with_key(seq([alg("1.3.101.110", None), tlv(0x03, [0])])),
    );
    add(
        "key-x448",
        with_key(seq([alg("1.3.101.111", None), bits([7u8; 56])])),
    );
    add(
        "key-x448-empty",
        with_key(seq([alg("1.3.101.111", None), tlv(0x03, [0])])),
    );
    add(
        "key-ml-dsa-44",
        with_key(seq([
            alg("2.16.840.1.101.3.4.3.17", None),
            bits(vec![3u8; 1312]),
        ])),
    );
    add(
        "key-ml-dsa-44-wrong-size",
        with_key(seq([
            alg("2.16.840.1.101.3.4.3.17", None),
            bits(vec![3u8; 100]),
        ])),
    );
    add(
        "key-ml-dsa-65-with-params",
        with_key(seq([
            alg("2.16.840.1.101.3.4.3.18", Some(int(0))),
            bits(vec![3u8; 1952]),
        ])),
    );
    add(
        "key-ml-dsa-87-null-params",
        with_key(seq([
            alg("2.16.840.1.101.3.4.3.19", Some(null())),
            bits(vec![3u8; 2592]),
        ])),
    );
    add(
        "key-ml-kem-768",
        with_key(seq([
            alg("2.16.840.1.101.3.4.4.2", None),
            bits(vec![1u8; 1184]),
        ])),
    );
    add(
        "key-ml-kem-768-wrong-size",
        with_key(seq([
            alg("2.16.840.1.101.3.4.4.2", None),
            bits(vec![1u8; 10]),
        ])),
    );
    add(
        "key-ml-kem-512-big-coefficients",
        with_key(seq([
            alg("2.16.840.1.101.3.4.4.1", None),
            bits(vec![0xffu8; 800]),
        ])),
    );
    add(
        "key-hss-lms",
        with_key(seq([
            alg("1.2.840.113549.1.9.16.3.17", None),
            bits(hss_key(5, 4, 56)),
        ])),
    );
    add(
        "key-hss-lms-bad-type",
        with_key(seq([
            alg("1.2.840.113549.1.9.16.3.17", None),
            bits(hss_key(99, 4, 56)),
        ])),
    );
    add(
        "key-hss-lms-bad-length",
        with_key(seq([
            alg("1.2.840.113549.1.9.16.3.17", None),
            bits(hss_key(5, 4, 40)),
        ])),
    );
    add(
        "key-hss-lms-with-params",
        with_key(seq([
            alg("1.2.840.113549.1.9.16.3.17", Some(int(1))),
            bits(hss_key(5, 4, 56)),
        ])),
    );

    // --- v1/v2 trailers and unique IDs ---
    add(
        "v1-with-trailing-field",
        base()
            .with(|t| {
                t.version = None;
                t.tail = ctx(1, false, [0, 1]);
            })
            .cert(),
    );
    add(
        "v2-issuer-unique-id",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.tail = ctx(1, false, [0, 0xaa]);
            })
            .cert(),
    );
    add(
        "v2-both-unique-ids",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.tail = cat([ctx(1, false, [0, 0xaa]), ctx(2, false, [0, 0xbb])]);
            })
            .cert(),
    );
    add(
        "v2-subject-unique-id-only",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.tail = ctx(2, false, [0, 0xbb]);
            })
            .cert(),
    );
    add(
        "v2-unique-id-nine-pad-bits",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.tail = ctx(1, false, [9, 0xaa]);
            })
            .cert(),
    );
    add(
        "v2-unique-id-empty",
        base()
            .with(|t| {
                t.version = Some(ctx(0, true, int(1)));
                t.tail = ctx(1, false, []);
            })
            .cert(),
    );
    add(
        "v2-with-extensions",
        base()
            .with(|t| t.version = Some(ctx(0, true, int(1))))
            .cert(),
    );
    add(
        "v3-unique-ids-and-extensions",
        base()
            .with(|t| {
                t.tail = cat([
                    ctx(1, false, [0, 0xaa]),
                    ctx(2, false, [0, 0xbb]),
                    exts(vec![]),
                ])
            })
            .cert(),
    );
    add(
        "v3-unknown-trailing-field",
        base().with(|t| t.tail = ctx(4, true, int(1))).cert(),
    );
    add(
        "v3-extensions-primitive-tag",
        base().with(|t| t.tail = ctx(3, false, seq([]))).cert(),
    );
    add(
        "v3-garbage-after-extensions",
        base().with(|t| t.tail = cat([exts(vec![]), int(9)])).cert(),
    );
    add(
        "v3-two-extension-lists-in-one-tag",
        base()
            .with(|t| {
                t.tail = ctx(
                    3,
                    true,
                    cat([
                        seq([]),
                        seq([ext("2.5.29.19", None, seq([boolean(true), boolean(true)]))]),
                    ]),
                )
            })
            .cert(),
    );

    // --- the extension list ---
    add(
        "extensions-not-a-sequence",
        base().with(|t| t.tail = ctx(3, true, set([]))).cert(),
    );
    add(
        "extensions-empty-tag",
        base().with(|t| t.tail = ctx(3, true, [])).cert(),
    );
    add(
        "extension-as-a-set",
        with_exts(vec![set([oid("2.5.29.19"), octets(seq([]))])]),
    );
    add("extension-not-constructed", with_exts(vec![octets([1])]));
    add(
        "extension-oid-bad",
        with_exts(vec![seq([vec![0x06, 0x01, 0x80], octets(seq([]))])]),
    );
    add(
        "extension-critical-two-bytes",
        with_exts(vec![seq([
            oid("2.5.29.19"),
            tlv(0x01, [0xff, 0xff]),
            octets(seq([])),
        ])]),
    );
    add(
        "extension-critical-false-explicit",
        with_exts(vec![ext("2.5.29.19", Some(false), seq([]))]),
    );
    add(
        "extension-critical-value-0x01",
        with_exts(vec![seq([oid("1.2.3.4"), tlv(0x01, [0x01]), octets([5])])]),
    );
    add(
        "extension-value-not-octet-string",
        with_exts(vec![seq([oid("2.5.29.19"), bits([0])])]),
    );
    add(
        "extension-value-missing",
        with_exts(vec![seq([oid("2.5.29.19")])]),
    );
    add(
        "extension-value-constructed-octet-string",
        with_exts(vec![seq([
            oid("2.5.29.19"),
            tlv(0x24, cat([octets(&seq([])[..1]), octets(&seq([])[1..])])),
        ])]),
    );
    add(
        "extension-trailing-element",
        with_exts(vec![seq([oid("2.5.29.19"), octets(seq([])), int(1)])]),
    );
    add(
        "extension-duplicate-known",
        with_exts(vec![
            ext("2.5.29.19", None, seq([])),
            ext("2.5.29.19", None, seq([])),
        ]),
    );
    add(
        "extension-duplicate-unknown",
        with_exts(vec![
            ext("1.2.3.4", None, vec![]),
            ext("1.2.3.4", None, vec![]),
        ]),
    );
    add(
        "extension-duplicate-second-unparseable",
        with_exts(vec![
            ext("2.5.29.19", None, seq([])),
            ext("2.5.29.19", None, int(1)),
        ]),
    );
    add(
        "extension-duplicate-first-unparseable",
        with_exts(vec![
            ext("2.5.29.19", None, int(1)),
            ext("2.5.29.19", None, seq([])),
        ]),
    );
    add(
        "extension-duplicate-critical-unparseable",
        with_exts(vec![
            ext("2.5.29.19", None, seq([])),
            ext("2.5.29.19", Some(true), int(1)),
        ]),
    );
    add(
        "extension-unknown-critical",
        with_ext("1.2.3.4.5", true, vec![1, 2, 3]),
    );
    add(
        "extension-unknown-critical-empty-value",
        with_ext("1.2.3.4.5", true, vec![]),
    );

    // --- basicConstraints ---
    let bc = "2.5.29.19";
    for (n, v) in [
        ("empty", seq([])),
        ("ca", seq([boolean(true)])),
        ("ca-pathlen", seq([boolean(true), int(3)])),
        ("pathlen-without-ca", seq([int(3)])),
        ("ca-then-octets", seq([boolean(true), octets([1])])),
        ("pathlen-negative", seq([boolean(true), int(-1)])),
        ("pathlen-huge", seq([boolean(true), int(1 << 40)])),
        (
            "trailing-after-pathlen",
            seq([boolean(true), int(1), int(2)]),
        ),
        ("not-a-sequence", set([boolean(true)])),
        ("trailing-bytes", cat([seq([]), vec![0]])),
        ("empty-value", vec![]),
        ("bool-long", seq([tlv(0x01, [1, 1])])),
    ] {
        add(
            &format!("basic-constraints-{n}"),
            with_ext(bc, false, v.clone()),
        );
        add(
            &format!("basic-constraints-{n}-critical"),
            with_ext(bc, true, v),
        );
    }

    // --- keyUsage and netscape cert type ---
    for (n, v) in [
        ("bits", tlv(0x03, [7, 0x80])),
        ("double-wrapped", octets(tlv(0x03, [7, 0x80]))),
        ("empty-value", vec![]),
        ("not-a-bit-string", int(1)),
        ("empty-bit-string", tlv(0x03, [0])),
        ("zero-length-bit-string", tlv(0x03, [])),
        ("trailing-bytes", cat([tlv(0x03, [7, 0x80]), vec![0]])),
    ] {
        add(
            &format!("key-usage-{n}-critical"),
            with_ext("2.5.29.15", true, v.clone()),
        );
        add(
            &format!("netscape-cert-type-{n}-critical"),
            with_ext("2.16.840.1.113730.1.1", true, v.clone()),
        );
        add(&format!("key-usage-{n}"), with_ext("2.5.29.15", false, v));
    }

    // --- extendedKeyUsage, SKI, AKI ---
    for (n, v) in [
        ("server-auth", seq([oid("1.3.6.1.5.5.7.3.1")])),
        ("empty", seq([])),
        ("not-a-sequence", oid("1.3.6.1.5.5.7.3.1")),
        ("element-not-oid", seq([utf8("serverAuth")])),
        ("bad-oid", seq([vec![0x06, 0x01, 0x81]])),
    ] {
        add(&format!("eku-{n}-critical"), with_ext("2.5.29.37", true, v));
    }
    for (n, v) in [
        ("octets", octets([1, 2, 3])),
        ("constructed-octets", tlv(0x24, octets([1, 2]))),
        ("integer", int(1)),
        ("empty-octets", octets([])),
    ] {
        add(&format!("ski-{n}-critical"), with_ext("2.5.29.14", true, v));
    }
    let aki = "2.5.29.35";
    for (n, v) in [
        ("key-id", seq([ctx(0, false, [1, 2, 3])])),
        ("empty", seq([])),
        (
            "names-and-serial",
            seq([ctx(1, true, ctx(4, true, cn("Issuer"))), ctx(2, false, [5])]),
        ),
        (
            "duplicate-key-id",
            seq([ctx(0, false, [1]), ctx(0, false, [2])]),
        ),
        ("constructed-key-id", seq([ctx(0, true, octets([1]))])),
        ("unknown-field", seq([ctx(3, false, [1])])),
        ("empty-names", seq([ctx(1, true, [])])),
        ("empty-serial", seq([ctx(2, false, [])])),
        ("not-a-sequence", set([])),
        (
            "key-id-then-duplicate-serial",
            seq([ctx(0, false, [1]), ctx(2, false, [5]), ctx(2, false, [6])]),
        ),
    ] {
        add(&format!("aki-{n}-critical"), with_ext(aki, true, v));
    }

    // --- subjectAltName and GeneralName forms (critical, so a decoding failure shows) ---
    for (n, entry) in [
        ("dns", ctx(2, false, b"a.example.test")),
        ("dns-garbage", ctx(2, false, b"-bad..name_ \xff")),
        ("dns-empty", ctx(2, false, b"")),
        ("dns-constructed", ctx(2, true, ia5(b"a.test"))),
        ("ip-4", ctx(7, false, [10, 0, 0, 1])),
        ("ip-8", ctx(7, false, [10, 0, 0, 0, 255, 0, 0, 0])),
        (
            "ip-16",
            ctx(
                7,
                false,
                [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
        ),
        (
            "ip-32",
            ctx(
                7,
                false,
                [0x20u8, 1, 0xd, 0xb8]
                    .iter()
                    .copied()
                    .chain([0; 12])
                    .chain([0xff; 8])
                    .chain([0; 8])
                    .collect::<Vec<u8>>(),
            ),
        ),
        (
            "ip-32-v4-mapped-bad-mask",
            ctx(
                7,
                false,
                [0u8; 10]
                    .iter()
                    .copied()
                    .chain([0xff, 0xff, 10, 0, 0, 0])
                    .chain([0; 16])
                    .collect::<Vec<u8>>(),
            ),
        ),
        (
            "ip-32-v4-mapped-good-mask",
            ctx(
                7,
                false,
                [0u8; 10]
                    .iter()
                    .copied()
                    .chain([0xff, 0xff, 10, 0, 0, 0])
                    .chain([0xff; 12])
                    .chain([0xff, 0, 0, 0])
                    .collect::<Vec<u8>>(),
            ),
        ),
        (
            "ip-16-v4-mapped",
            ctx(
                7,
                false,
                [0u8; 10]
                    .iter()
                    .copied()
                    .chain([0xff, 0xff, 10, 0, 0, 1])
                    .collect::<Vec<u8>>(),
            ),
        ),
        ("ip-5", ctx(7, false, [10, 0, 0, 1, 1])),
        ("ip-0", ctx(7, false, [])),
        ("ip-constructed", ctx(7, true, octets([10, 0, 0, 1]))),
        ("email", ctx(1, false, b"a@example.test")),
        ("email-empty", ctx(1, false, b"")),
        ("email-ends-with-at", ctx(1, false, b"a@")),
        ("email-dot-domain", ctx(1, false, b"a@.")),
        ("email-no-at", ctx(1, false, b"example.test")),
        ("email-just-dot", ctx(1, false, b".")),
        ("uri", ctx(6, false, b"https://ca.example.test/ca.crt")),
        ("uri-no-scheme", ctx(6, false, b"ca.example.test/ca.crt")),
        ("uri-space", ctx(6, false, b"http://exa mple.test/")),
        (
            "uri-trailing-dot-host",
            ctx(6, false, b"http://example.test./"),
        ),
        ("uri-ipv4-host", ctx(6, false, b"http://10.0.0.1:8080/x")),
        ("uri-bad-ipv4-host", ctx(6, false, b"http://10.0.0.999/")),
        ("uri-ipv6-host", ctx(6, false, b"http://[2001:db8::1]/")),
        ("uri-ipv6-bad", ctx(6, false, b"http://[2001:db8::zz]/")),
        (
            "uri-ipv6-scope-numeric",
            ctx(6, false, b"http://[fe80::1%25]/"),
        ),
        ("uri-opaque", ctx(6, false, b"mailto:a@example.test")),
        (
            "uri-ldap-no-host",
            ctx(6, false, b"ldap:///cn=CA,o=Test?cACertificate"),
        ),
        ("uri-registry-authority", ctx(6, false, b"http://a_b/")),
        (
            "uri-long-label",
            ctx(
                6,
                false,
                format!("http://{}.test/", "a".repeat(64)).as_bytes(),
            ),
        ),
        ("uri-bad-escape", ctx(6, false, b"http://example.test/%zz")),
        (
            "uri-non-ascii",
            ctx(6, false, b"http://example.test/\xc3\xa9"),
        ),
        (
            "uri-hyphen-label-end",
            ctx(6, false, b"http://a-.example.test/"),
        ),
        ("uri-empty", ctx(6, false, b"")),
        (
            "uri-port-too-big",
            ctx(6, false, b"http://example.test:99999999999/"),
        ),
        (
            "uri-userinfo",
            ctx(6, false, b"http://user:pw@example.test/"),
        ),
        (
            "uri-fragment-bad",
            ctx(6, false, b"http://example.test/#a#b"),
        ),
        (
            "uri-scheme-digit-first",
            ctx(6, false, b"1http://example.test/"),
        ),
        ("dirname", ctx(4, true, cn("Dir"))),
        ("dirname-empty", ctx(4, true, seq([]))),
        (
            "dirname-set-only",
            ctx(4, true, set([seq([oid("2.5.4.3"), utf8("x")])])),
        ),
        ("dirname-primitive", ctx(4, false, cn("Dir"))),
        (
            "dirname-bad-ava",
            ctx(4, true, seq([set([seq([oid("2.5.4.3")])])])),
        ),
        (
            "other-name-explicit",
            ctx(
                0,
                true,
                cat([
                    oid("1.3.6.1.4.1.311.20.2.3"),
                    ctx(0, true, utf8("upn@example.test")),
                ]),
            ),
        ),
        (
            "other-name-implicit-value",
            ctx(
                0,
                true,
                cat([oid("1.3.6.1.4.1.311.20.2.3"), utf8("upn@example.test")]),
            ),
        ),
        (
            "other-name-extension-oid",
            ctx(0, true, cat([oid("2.5.29.17"), ctx(0, true, utf8("x"))])),
        ),
        ("other-name-primitive", ctx(0, false, oid("1.2.3"))),
        ("other-name-no-value", ctx(0, true, oid("1.2.3"))),
        ("x400", ctx(3, true, seq([]))),
        ("x400-primitive", ctx(3, false, [1])),
        ("edi-explicit", ctx(5, true, ctx(1, true, utf8("party")))),
        (
            "edi-primitive-party",
            ctx(5, true, ctx(1, false, utf8("party"))),
        ),
        (
            "edi-primitive-party-integer",
            ctx(5, true, ctx(1, false, int(5))),
        ),
        (
            "edi-primitive-assigner-only",
            ctx(5, true, ctx(0, false, utf8("assigner"))),
        ),
        ("edi-empty", ctx(5, true, [])),
        (
            "edi-three",
            ctx(
                5,
                true,
                cat([ctx(0, false, utf8("a")), ctx(1, false, utf8("b")), int(1)]),
            ),
        ),
        (
            "edi-duplicate-party",
            ctx(
                5,
                true,
                cat([ctx(1, false, utf8("a")), ctx(1, false, utf8("b"))]),
            ),
        ),
        ("registered-id", ctx(8, false, &oid("1.2.3.4")[2..])),
        ("registered-id-bad", ctx(8, false, [0x80])),
        ("tag-9", ctx(9, false, [1])),
        ("universal-sequence", seq([])),
        ("universal-tag-2", ia5(b"x")),
    ] {
        add(&format!("san-{n}-critical"), with_san(entry.clone(), true));
        add(&format!("san-{n}"), with_san(entry, false));
    }
    add("san-empty-sequence-critical", with_ext(SAN, true, seq([])));
    add(
        "san-not-a-sequence-critical",
        with_ext(SAN, true, set([ctx(2, false, b"a")])),
    );
    add(
        "ian-uri-no-scheme-critical",
        with_ext("2.5.29.18", true, seq([ctx(6, false, b"nope")])),
    );
    add(
        "ian-dns-critical",
        with_ext("2.5.29.18", true, seq([ctx(2, false, b"ca.test")])),
    );
    add(
        "certificate-issuer-ext-critical",
        with_ext("2.5.29.29", true, seq([ctx(4, true, cn("x"))])),
    );
    add(
        "certificate-issuer-ext-empty-critical",
        with_ext("2.5.29.29", true, seq([])),
    );

    // --- nameConstraints ---
    let nc = "2.5.29.30";
    let sub = |n: Vec<u8>| seq([n]);
    for (n, v) in [
        (
            "permitted-dns",
            seq([ctx(0, true, sub(ctx(2, false, b".example.test")))]),
        ),
        (
            "excluded-ip",
            seq([ctx(
                1,
                true,
                sub(ctx(7, false, [10, 0, 0, 0, 255, 0, 0, 0])),
            )]),
        ),
        ("empty", seq([])),
        (
            "duplicate-permitted",
            seq([
                ctx(0, true, sub(ctx(2, false, b"a"))),
                ctx(0, true, sub(ctx(2, false, b"b"))),
            ]),
        ),
        ("primitive-permitted", seq([ctx(0, false, [])])),
        ("unknown-field", seq([ctx(2, true, [])])),
        (
            "uri-host",
            seq([ctx(0, true, sub(ctx(6, false, b".example.test")))]),
        ),
        (
            "uri-with-scheme",
            seq([ctx(0, true, sub(ctx(6, false, b"http://example.test")))]),
        ),
        (
            "uri-bad-host",
            seq([ctx(0, true, sub(ctx(6, false, b"-x.test")))]),
        ),
        (
            "uri-escaped-host",
            seq([ctx(0, true, sub(ctx(6, false, b"ex%41mple.test")))]),
        ),
        (
            "subtree-minimum-maximum",
            seq([ctx(
                0,
                true,
                seq([
                    ctx(2, false, b"a.test"),
                    ctx(0, false, [0]),
                    ctx(1, false, [5]),
                ]),
            )]),
        ),
        (
            "subtree-minimum-huge",
            seq([ctx(
                0,
                true,
                seq([ctx(2, false, b"a.test"), ctx(0, false, [1, 0, 0, 0, 0])]),
            )]),
        ),
        (
            "subtree-bad-field",
            seq([ctx(
                0,
                true,
                seq([ctx(2, false, b"a.test"), ctx(2, false, [0])]),
            )]),
        ),
        (
            "subtree-not-a-sequence",
            seq([ctx(0, true, set([ctx(2, false, b"a.test")]))]),
        ),
        ("subtree-empty", seq([ctx(0, true, seq([seq([])]))])),
        ("permitted-empty", seq([ctx(0, true, [])])),
        (
            "email-at-only",
            seq([ctx(0, true, sub(ctx(1, false, b"@")))]),
        ),
        (
            "ip-bad-length",
            seq([ctx(0, true, sub(ctx(7, false, [10, 0, 0])))]),
        ),
    ] {
        add(
            &format!("name-constraints-{n}-critical"),
            with_ext(nc, true, v),
        );
    }

    // --- policies ---
    let cp = "2.5.29.32";
    for (n, v) in [
        ("any-policy", seq([seq([oid("2.5.29.32.0")])])),
        (
            "with-cps",
            seq([seq([
                oid("1.2.3.4"),
                seq([seq([oid("1.3.6.1.5.5.7.2.1"), ia5(b"https://cps.test")])]),
            ])]),
        ),
        ("empty-qualifiers", seq([seq([oid("1.2.3.4"), seq([])])])),
        (
            "qualifier-not-a-sequence",
            seq([seq([
                oid("1.2.3.4"),
                seq([set([oid("1.3.6.1.5.5.7.2.1")])]),
            ])]),
        ),
        (
            "qualifier-no-oid",
            seq([seq([oid("1.2.3.4"), seq([seq([ia5(b"x")])])])]),
        ),
        (
            "qualifiers-not-a-sequence",
            seq([seq([oid("1.2.3.4"), set([])])]),
        ),
        ("policy-not-a-sequence", seq([oid("1.2.3.4")])),
        ("policy-id-not-oid", seq([seq([int(1)])])),
        (
            "trailing-after-qualifiers",
            seq([seq([
                oid("1.2.3.4"),
                seq([seq([oid("1.3.6.1.5.5.7.2.1"), ia5(b"x")])]),
                int(1),
            ])]),
        ),
        ("empty", seq([])),
        (
            "duplicate-policy",
            seq([seq([oid("1.2.3.4")]), seq([oid("1.2.3.4")])]),
        ),
    ] {
        add(&format!("policies-{n}-critical"), with_ext(cp, true, v));
    }
    for (n, v) in [
        ("one", seq([seq([oid("1.2.3"), oid("1.2.4")])])),
        ("missing-subject", seq([seq([oid("1.2.3")])])),
        ("not-a-sequence", set([])),
        ("element-not-a-sequence", seq([oid("1.2.3")])),
        (
            "trailing",
            seq([seq([oid("1.2.3"), oid("1.2.4"), oid("1.2.5")])]),
        ),
        ("any-policy", seq([seq([oid("2.5.29.32.0"), oid("1.2.4")])])),
    ] {
        add(
            &format!("policy-mappings-{n}-critical"),
            with_ext("2.5.29.33", true, v),
        );
    }
    for (n, v) in [
        ("require", seq([ctx(0, false, [0])])),
        ("inhibit", seq([ctx(1, false, [2])])),
        ("both", seq([ctx(0, false, [0]), ctx(1, false, [0])])),
        (
            "duplicate-require",
            seq([ctx(0, false, [1]), ctx(0, false, [2])]),
        ),
        (
            "duplicate-after-minus-one",
            seq([ctx(0, false, [0xff]), ctx(0, false, [2])]),
        ),
        ("constructed", seq([ctx(0, true, int(0))])),
        ("empty", seq([])),
        ("not-a-sequence", int(0)),
        ("huge", seq([ctx(0, false, [1, 0, 0, 0, 0])])),
    ] {
        add(
            &format!("policy-constraints-{n}-critical"),
            with_ext("2.5.29.36", true, v),
        );
    }
    for (n, crit, v) in [
        ("zero", true, int(0)),
        ("minus-one", true, int(-1)),
        ("minus-two", true, int(-2)),
        ("not-integer", true, octets([0])),
        ("noncritical", false, int(0)),
        ("noncritical-garbage", false, vec![0xff]),
    ] {
        add(
            &format!("inhibit-any-policy-{n}"),
            with_ext("2.5.29.54", crit, v),
        );
    }

    // --- CRL distribution points, freshest CRL, AIA/SIA ---
    let uri = |s: &[u8]| ctx(6, false, s);
    for (n, v) in [
        (
            "full-name",
            seq([seq([ctx(
                0,
                true,
                ctx(0, true, uri(b"http://crl.test/ca.crl")),
            )])]),
        ),
        (
            "relative-name",
            seq([seq([ctx(
                0,
                true,
                ctx(1, true, seq([oid("2.5.4.3"), utf8("crl")])),
            )])]),
        ),
        (
            "relative-name-bad",
            seq([seq([ctx(0, true, ctx(1, true, int(1)))])]),
        ),
        (
            "issuer-only",
            seq([seq([ctx(2, true, ctx(4, true, cn("x")))])]),
        ),
        ("reasons-only", seq([seq([ctx(1, false, [1, 0x80])])])),
        ("empty-point", seq([seq([])])),
        ("empty", seq([])),
        (
            "bad-uri",
            seq([seq([ctx(0, true, ctx(0, true, uri(b"no scheme")))])]),
        ),
        (
            "duplicate-name",
            seq([seq([
                ctx(0, true, ctx(0, true, uri(b"http://a.test/"))),
                ctx(0, true, ctx(0, true, uri(b"http://b.test/"))),
            ])]),
        ),
        (
            "bad-name-tag",
            seq([seq([ctx(0, true, ctx(2, true, uri(b"http://a.test/")))])]),
        ),
        ("primitive-name", seq([seq([ctx(0, false, [1])])])),
        ("point-not-a-sequence", seq([set([])])),
    ] {
        add(
            &format!("crl-dp-{n}-critical"),
            with_ext("2.5.29.31", true, v.clone()),
        );
        add(
            &format!("freshest-crl-{n}-critical"),
            with_ext("2.5.29.46", true, v),
        );
    }
    for (o, which) in [("1.3.6.1.5.5.7.1.1", "aia"), ("1.3.6.1.5.5.7.1.11", "sia")] {
        for (n, v) in [
            (
                "ca-issuers",
                seq([seq([
                    oid("1.3.6.1.5.5.7.48.2"),
                    uri(b"http://ca.test/ca.crt"),
                ])]),
            ),
            (
                "description-as-set",
                seq([set([
                    oid("1.3.6.1.5.5.7.48.2"),
                    uri(b"http://ca.test/ca.crt"),
                ])]),
            ),
            (
                "description-primitive",
                seq([octets(cat([
                    oid("1.3.6.1.5.5.7.48.1"),
                    uri(b"http://ocsp.test/"),
                ]))]),
            ),
            (
                "bad-location",
                seq([seq([oid("1.3.6.1.5.5.7.48.1"), uri(b"ocsp.test")])]),
            ),
            ("no-location", seq([seq([oid("1.3.6.1.5.5.7.48.1")])])),
            ("empty", seq([])),
            (
                "trailing-in-description",
                seq([seq([
                    oid("1.3.6.1.5.5.7.48.1"),
                    uri(b"http://o.test/"),
                    int(1),
                ])]),
            ),
        ] {
            add(
                &format!("{which}-{n}-critical"),
                with_ext(o, true, v.clone()),
            );
            add(&format!("{which}-{n}"), with_ext(o, false, v));
        }
    }

    // --- private key usage period, CRL-only extensions, OCSP no-check ---
    for (n, v) in [
        (
            "both",
            seq([
                ctx(0, false, b"20250101000000Z"),
                ctx(1, false, b"20300101000000Z"),
            ]),
        ),
        (
            "duplicate",
            seq([
                ctx(0, false, b"20250101000000Z"),
                ctx(0, false, b"20300101000000Z"),
            ]),
        ),
        ("bad-time", seq([ctx(0, false, b"2025")])),
        (
            "constructed",
            seq([ctx(0, true, gen_time("20250101000000Z"))]),
        ),
        ("empty", seq([])),
        ("trailing-after-sequence", cat([seq([]), int(1)])),
        ("not-a-sequence", int(1)),
    ] {
        add(
            &format!("private-key-usage-{n}-critical"),
            with_ext("2.5.29.16", true, v),
        );
    }
    add("crl-number-critical", with_ext("2.5.29.20", true, int(5)));
    add(
        "crl-number-not-integer-critical",
        with_ext("2.5.29.20", true, octets([5])),
    );
    add(
        "delta-crl-indicator-critical",
        with_ext("2.5.29.27", true, int(5)),
    );
    add(
        "reason-code-critical",
        with_ext("2.5.29.21", true, tlv(0x0a, [1])),
    );
    add(
        "reason-code-integer-critical",
        with_ext("2.5.29.21", true, int(1)),
    );
    add(
        "issuing-dp-critical",
        with_ext(
            "2.5.29.28",
            true,
            seq([
                ctx(0, true, ctx(0, true, uri(b"http://crl.test/"))),
                ctx(1, false, [0xff]),
            ]),
        ),
    );
    add(
        "issuing-dp-bad-boolean-critical",
        with_ext("2.5.29.28", true, seq([ctx(2, false, [1, 1])])),
    );
    add(
        "issuing-dp-unknown-field-critical",
        with_ext("2.5.29.28", true, seq([ctx(6, false, [0])])),
    );
    add(
        "issuing-dp-reasons-critical",
        with_ext("2.5.29.28", true, seq([ctx(3, false, [1, 0x80])])),
    );
    add(
        "ocsp-no-check-garbage-critical",
        with_ext("1.3.6.1.5.5.7.48.1.5", true, vec![0xff, 0xff]),
    );

    // --- signature algorithm parameters ---
    let pss = "1.2.840.113549.1.1.10";
    add("sig-rsa-pss-no-params", with_sig(alg(pss, None)));
    add(
        "sig-rsa-pss-default-params",
        with_sig(alg(pss, Some(seq([])))),
    );
    add(
        "sig-rsa-pss-sha256",
        with_sig(alg(
            pss,
            Some(pss_params(
                "2.16.840.1.101.3.4.2.1",
                "2.16.840.1.101.3.4.2.1",
                32,
            )),
        )),
    );
    add(
        "sig-rsa-pss-sha384-mgf-sha1",
        with_sig(alg(
            pss,
            Some(pss_params("2.16.840.1.101.3.4.2.2", "1.3.14.3.2.26", 48)),
        )),
    );
    add(
        "sig-rsa-pss-unknown-hash",
        with_sig(alg(pss, Some(seq([ctx(0, true, alg("1.2.3.4", None))])))),
    );
    add(
        "sig-rsa-pss-mgf-unknown-digest",
        with_sig(alg(
            pss,
            Some(seq([ctx(
                1,
                true,
                alg("1.2.840.113549.1.1.8", Some(alg("1.2.3.4", None))),
            )])),
        )),
    );
    add(
        "sig-rsa-pss-mgf-not-mgf1",
        with_sig(alg(
            pss,
            Some(seq([ctx(
                1,
                true,
                alg("1.2.3.4", Some(alg("2.16.840.1.101.3.4.2.1", None))),
            )])),
        )),
    );
    add(
        "sig-rsa-pss-mgf-no-params",
        with_sig(alg(
            pss,
            Some(seq([ctx(1, true, alg("1.2.840.113549.1.1.8", None))])),
        )),
    );
    add(
        "sig-rsa-pss-mgf-sha3",
        with_sig(alg(
            pss,
            Some(seq([ctx(
                1,
                true,
                alg(
                    "1.2.840.113549.1.1.8",
                    Some(alg("2.16.840.1.101.3.4.2.8", None)),
                ),
            )])),
        )),
    );
    add(
        "sig-rsa-pss-negative-salt",
        with_sig(alg(pss, Some(seq([ctx(2, true, int(-1))])))),
    );
    add(
        "sig-rsa-pss-trailer-2",
        with_sig(alg(pss, Some(seq([ctx(3, true, int(2))])))),
    );
    add(
        "sig-rsa-pss-trailer-1",
        with_sig(alg(pss, Some(seq([ctx(3, true, int(1))])))),
    );
    add(
        "sig-rsa-pss-unknown-field",
        with_sig(alg(pss, Some(seq([ctx(4, true, int(1))])))),
    );
    add(
        "sig-rsa-pss-params-not-sequence",
        with_sig(alg(pss, Some(int(1)))),
    );
    add(
        "sig-rsa-pss-hash-not-algid",
        with_sig(alg(pss, Some(seq([ctx(0, true, int(1))])))),
    );
    add(
        "sig-rsa-pss-primitive-salt",
        with_sig(alg(pss, Some(seq([ctx(2, false, int(20))])))),
    );
    add(
        "sig-ecdsa-specified",
        with_sig(alg(
            "1.2.840.10045.4.3",
            Some(alg("2.16.840.1.101.3.4.2.1", None)),
        )),
    );
    add(
        "sig-dsa-sha256",
        with_sig(alg("2.16.840.1.101.3.4.3.2", None)),
    );
    add(
        "sig-ec-key-oid-with-unknown-curve",
        with_sig(alg(EC, Some(oid("1.2.3.4")))),
    );
    add(
        "sig-ec-key-oid-with-p256",
        with_sig(alg(EC, Some(oid(P256)))),
    );
    add(
        "sig-dsa-key-oid-bad-params",
        with_sig(alg("1.2.840.10040.4.1", Some(int(1)))),
    );
    add(
        "sig-dh-oid-bad-params",
        with_sig(alg("1.2.840.113549.1.3.1", Some(seq([int(1)])))),
    );
    add(
        "sig-dh-oid-good-params",
        with_sig(alg("1.2.840.113549.1.3.1", Some(seq([int(23), int(2)])))),
    );
    add(
        "sig-aes-iv-16",
        with_sig(alg("2.16.840.1.101.3.4.1", Some(octets([0; 16])))),
    );
    add(
        "sig-aes-iv-8",
        with_sig(alg("2.16.840.1.101.3.4.1", Some(octets([0; 8])))),
    );
    add(
        "sig-aes-iv-5",
        with_sig(alg("2.16.840.1.101.3.4.1", Some(octets([0; 5])))),
    );
    add(
        "sig-aes-iv-integer",
        with_sig(alg("2.16.840.1.101.3.4.1", Some(int(1)))),
    );
    add(
        "sig-desede-iv-8",
        with_sig(alg("1.3.14.3.2.17", Some(octets([0; 8])))),
    );
    add(
        "sig-desede-iv-16",
        with_sig(alg("1.3.14.3.2.17", Some(octets([0; 16])))),
    );
    add(
        "sig-blowfish-iv-4",
        with_sig(alg("1.3.6.1.4.1.3029.1.1.2", Some(octets([0; 4])))),
    );
    add(
        "sig-chacha-nonce-12",
        with_sig(alg("1.2.840.113549.1.9.16.3.18", Some(octets([0; 12])))),
    );
    add(
        "sig-chacha-nonce-8",
        with_sig(alg("1.2.840.113549.1.9.16.3.18", Some(octets([0; 8])))),
    );
    add(
        "sig-pbe-md5-des",
        with_sig(alg(
            "1.2.840.113549.1.5.3",
            Some(seq([octets([1; 8]), int(2048)])),
        )),
    );
    add(
        "sig-pbe-md5-des-bad",
        with_sig(alg("1.2.840.113549.1.5.3", Some(seq([octets([1; 8])])))),
    );
    add(
        "sig-pbe-sha1-rc2-extra",
        with_sig(alg(
            "1.2.840.113549.1.12.1.6",
            Some(seq([octets([1; 8]), int(2048), int(1)])),
        )),
    );
    add(
        "sig-oaep-default",
        with_sig(alg("1.2.840.113549.1.1.7", Some(seq([])))),
    );
    add(
        "sig-oaep-sha256",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([
                ctx(0, true, alg("2.16.840.1.101.3.4.2.1", None)),
                ctx(
                    1,
                    true,
                    alg(
                        "1.2.840.113549.1.1.8",
                        Some(alg("2.16.840.1.101.3.4.2.1", None)),
                    ),
                ),
            ])),
        )),
    );
    add(
        "sig-oaep-out-of-order",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([
                ctx(
                    1,
                    true,
                    alg(
                        "1.2.840.113549.1.1.8",
                        Some(alg("2.16.840.1.101.3.4.2.1", None)),
                    ),
                ),
                ctx(0, true, alg("2.16.840.1.101.3.4.2.1", None)),
            ])),
        )),
    );
    add(
        "sig-oaep-psource",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([ctx(
                2,
                true,
                alg("1.2.840.113549.1.1.9", Some(octets([]))),
            )])),
        )),
    );
    add(
        "sig-oaep-mgf-sha3",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([ctx(
                1,
                true,
                alg(
                    "1.2.840.113549.1.1.8",
                    Some(alg("2.16.840.1.101.3.4.2.8", None)),
                ),
            )])),
        )),
    );
    add(
        "sig-oaep-unknown-field",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([ctx(3, true, int(1))])),
        )),
    );
    add(
        "sig-pbes2-good",
        with_sig(alg(
            "1.2.840.113549.1.5.13",
            Some(seq([
                seq([
                    oid("1.2.840.113549.1.5.12"),
                    seq([
                        octets([1; 16]),
                        int(10000),
                        alg("1.2.840.113549.2.9", Some(null())),
                    ]),
                ]),
                seq([oid("2.16.840.1.101.3.4.1.42"), octets([0; 16])]),
            ])),
        )),
    );
    add(
        "sig-pbes2-des-cipher",
        with_sig(alg(
            "1.2.840.113549.1.5.13",
            Some(seq([
                seq([
                    oid("1.2.840.113549.1.5.12"),
                    seq([octets([1; 16]), int(10000)]),
                ]),
                seq([oid("1.3.14.3.2.7"), octets([0; 8])]),
            ])),
        )),
    );
    add(
        "sig-pbes2-md5-prf",
        with_sig(alg(
            "1.2.840.113549.1.5.13",
            Some(seq([
                seq([
                    oid("1.2.840.113549.1.5.12"),
                    seq([octets([1; 16]), int(10000), alg("1.2.840.113549.2.5", None)]),
                ]),
                seq([oid("2.16.840.1.101.3.4.1.2"), octets([0; 16])]),
            ])),
        )),
    );

    // --- more BER and nesting ---
    add(
        "signature-constructed-bit-string",
        seq([
            base().encode(),
            alg(ECDSA_SHA256, None),
            tlv(0x23, bits([1])),
        ]),
    );
    add(
        "san-indefinite-length-critical",
        with_ext(SAN, true, {
            let mut v = vec![0x30, 0x80];
            v.extend(ctx(2, false, b"a.test"));
            v.extend([0, 0]);
            v
        }),
    );
    add(
        "san-long-form-length-critical",
        with_ext(SAN, true, {
            let e = ctx(2, false, b"a.test");
            let mut v = vec![0x30, 0x82, 0x00, e.len() as u8];
            v.extend(e);
            v
        }),
    );
    add(
        "extension-octets-nested-31",
        with_exts(vec![seq([oid("1.2.3.4"), {
            let mut v = octets([1]);
            for _ in 0..30 {
                v = tlv(0x24, v);
            }
            v
        }])]),
    );
    add(
        "extension-octets-nested-29",
        with_exts(vec![seq([oid("1.2.3.4"), {
            let mut v = octets([1]);
            for _ in 0..28 {
                v = tlv(0x24, v);
            }
            v
        }])]),
    );
    add(
        "rdn-indefinite-length",
        base()
            .with(|t| {
                let mut r = vec![0x31, 0x80];
                r.extend(seq([oid("2.5.4.3"), utf8("x")]));
                r.extend([0, 0]);
                t.subject = seq([r]);
            })
            .cert(),
    );
    add(
        "eoc-without-indefinite",
        base()
            .with(|t| t.subject = seq([set([seq([oid("2.5.4.3"), utf8("x")])]), vec![0, 0]]))
            .cert(),
    );
    add(
        "dirname-two-sets-without-sequence",
        with_san(
            ctx(
                4,
                true,
                cat([
                    set([seq([oid("2.5.4.3"), utf8("x")])]),
                    set([seq([oid("2.5.4.10"), utf8("y")])]),
                ]),
            ),
            true,
        ),
    );
    add(
        "dirname-integer-content",
        with_san(ctx(4, true, int(1)), true),
    );
    add(
        "aia-other-name-location",
        with_ext(
            "1.3.6.1.5.5.7.1.1",
            true,
            seq([seq([
                oid("1.3.6.1.5.5.7.48.2"),
                ctx(0, true, cat([oid("1.2.3"), utf8("x")])),
            ])]),
        ),
    );
    add(
        "policies-qualifier-without-value",
        with_ext(
            "2.5.29.32",
            true,
            seq([seq([
                oid("1.2.3.4"),
                seq([seq([oid("1.3.6.1.5.5.7.2.1")])]),
            ])]),
        ),
    );
    add(
        "aki-empty-key-id",
        with_ext("2.5.29.35", true, seq([ctx(0, false, [])])),
    );
    add(
        "oaep-primitive-hash",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([ctx(0, false, alg("2.16.840.1.101.3.4.2.1", None))])),
        )),
    );
    add(
        "oaep-trailing-after-psource",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([
                ctx(2, true, alg("1.2.840.113549.1.1.9", Some(octets([])))),
                int(1),
            ])),
        )),
    );
    add(
        "oaep-two-values-in-hash",
        with_sig(alg(
            "1.2.840.113549.1.1.7",
            Some(seq([ctx(
                0,
                true,
                cat([alg("2.16.840.1.101.3.4.2.1", None), int(1)]),
            )])),
        )),
    );
    add(
        "pss-two-values-in-hash",
        with_sig(alg(
            "1.2.840.113549.1.1.10",
            Some(seq([ctx(
                0,
                true,
                cat([alg("2.16.840.1.101.3.4.2.1", None), int(1)]),
            )])),
        )),
    );
    add(
        "pss-duplicate-salt",
        with_sig(alg(
            "1.2.840.113549.1.1.10",
            Some(seq([ctx(2, true, int(20)), ctx(2, true, int(30))])),
        )),
    );
    add(
        "validity-generalized-fraction-no-zone",
        base()
            .with(|t| t.validity = seq([gen_time("20250101000000.5"), gen_time("20500101000000Z")]))
            .cert(),
    );
    add(
        "validity-generalized-offset",
        base()
            .with(|t| {
                t.validity = seq([
                    gen_time("20250101000000+0100"),
                    gen_time("20500101000000-0030"),
                ])
            })
            .cert(),
    );
    add(
        "validity-generalized-fraction-offset",
        base()
            .with(|t| {
                t.validity = seq([
                    gen_time("20250101000000.25+0100"),
                    gen_time("20500101000000Z"),
                ])
            })
            .cert(),
    );
    add(
        "validity-utc-offset-minutes-60",
        base()
            .with(|t| t.validity = seq([utc("250101000000+0060"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-garbage-offset",
        base()
            .with(|t| t.validity = seq([utc("250101000000X"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-utc-offset-no-seconds",
        base()
            .with(|t| t.validity = seq([utc("2501010000+0100"), utc("350101000000Z")]))
            .cert(),
    );
    add(
        "validity-indefinite-length",
        base()
            .with(|t| {
                let mut v = vec![0x30, 0x80];
                v.extend(utc("250101000000Z"));
                v.extend(utc("350101000000Z"));
                v.extend([0, 0]);
                t.validity = v;
            })
            .cert(),
    );
    for (i, u) in [
        &b"http://"[..],
        &b"http:"[..],
        &b"//host.test/x"[..],
        &b"http://host.test:abc/"[..],
        &b"http://[::1"[..],
        &b"http://user@[::1]:80/"[..],
        &b"http://1.2.3.4.5/"[..],
        &b"http://[fe80::1%25eth0]/"[..],
        &b"http://[::ffff:1.2.3.4]/"[..],
        &b"http://[1:2:3:4:5:6:7:8:9]/"[..],
        &b"http://[1::2::3]/"[..],
        &b"http://h.test/a b"[..],
        &b"http://h.test/?q=\x7f"[..],
        &b"HTTP://H.TEST/"[..],
        &b"ht%74p://h.test/"[..],
        &b"http://h.test:/"[..],
        &b"http://-h.test/"[..],
        &b"http://h_.test/"[..],
        &b"urn:isbn:0451450523"[..],
        &b"http://h.test#frag"[..],
        &b"file:///etc/passwd"[..],
        &b"http://\xff.test/"[..],
        &b"http://1.2.3/"[..],
        &b"http://012.0.0.1/"[..],
        &b"http://xn--bcher-kva.test/"[..],
        &b"http://a.b-.test/"[..],
        &b"x://0.0.0.0:0/"[..],
    ]
    .into_iter()
    .enumerate()
    {
        add(
            &format!("san-uri-extra-{i}-critical"),
            with_san(ctx(6, false, u), true),
        );
        add(
            &format!("name-constraints-uri-extra-{i}-critical"),
            with_ext(
                "2.5.29.30",
                true,
                seq([ctx(0, true, seq([ctx(6, false, u)]))]),
            ),
        );
    }
    for (i, e) in [&b"\xff@x"[..], &b"a@b@c"[..], &b"@x"[..], &b"x@\xff"[..]]
        .into_iter()
        .enumerate()
    {
        add(
            &format!("san-email-extra-{i}-critical"),
            with_san(ctx(1, false, e), true),
        );
    }
    for (n, kdf) in [
        (
            "key-length-and-prf",
            seq([
                octets([1; 8]),
                int(1000),
                int(32),
                alg("1.2.840.113549.2.9", None),
            ]),
        ),
        (
            "prf-sha512-256",
            seq([
                octets([1; 8]),
                int(1000),
                alg("1.2.840.113549.2.13", Some(null())),
            ]),
        ),
        (
            "prf-extra",
            seq([
                octets([1; 8]),
                int(1000),
                seq([oid("1.2.840.113549.2.9"), null(), int(1)]),
            ]),
        ),
        (
            "prf-not-sequence",
            seq([octets([1; 8]), int(1000), set([oid("1.2.840.113549.2.9")])]),
        ),
        ("salt-not-octets", seq([int(1), int(1000)])),
    ] {
        add(
            &format!("sig-pbes2-{n}"),
            with_sig(alg(
                "1.2.840.113549.1.5.13",
                Some(seq([
                    seq([oid("1.2.840.113549.1.5.12"), kdf]),
                    seq([oid("2.16.840.1.101.3.4.1.2"), octets([0; 16])]),
                ])),
            )),
        );
    }

    c
}

/// RSASSA-PSS parameters: hash, MGF1 digest, salt length.
pub fn pss_params(hash: &str, mgf_hash: &str, salt: i64) -> Vec<u8> {
    seq([
        ctx(0, true, alg(hash, None)),
        ctx(
            1,
            true,
            alg("1.2.840.113549.1.1.8", Some(alg(mgf_hash, None))),
        ),
        ctx(2, true, int(salt)),
    ])
}

/// An HSS/LMS public key: L = 1, LMS type, LM-OTS type, I (16 bytes), T (`t_len` bytes).
pub fn hss_key(lms: u32, ots: u32, t_len: usize) -> Vec<u8> {
    let mut k = 1u32.to_be_bytes().to_vec();
    k.extend(lms.to_be_bytes());
    k.extend(ots.to_be_bytes());
    k.extend([0x11; 16]);
    k.extend(vec![0x22; t_len - 24]);
    k
}
