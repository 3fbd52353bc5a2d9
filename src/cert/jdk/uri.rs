//! URIs in GeneralNames: `URIName` (a scheme is required; a host must be a DNS name or an IP address)
//! and `URIName.nameConstraint` (no scheme; a DNS name, optionally after a `.`), both on top of
//! `java.net.URI`'s parser, whose grammar (RFC 2396 with Java's deviations) is modelled here: a
//! server-based authority is tried first and a registry-based one accepted when that fails.
//!
//! Characters are the IA5String's bytes decoded as US-ASCII; a byte above 0x7f becomes U+FFFD, which
//! `java.net.URI` accepts wherever escapes are allowed ("other" characters).

use super::{Fail, Jdk, R};

const fn low(chars: &[u8]) -> u64 {
    let mut m = 0u64;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] < 64 {
            m |= 1 << chars[i];
        }
        i += 1;
    }
    m
}

const fn high(chars: &[u8]) -> u64 {
    let mut m = 0u64;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] >= 64 && chars[i] < 128 {
            m |= 1 << (chars[i] - 64);
        }
        i += 1;
    }
    m
}

const DIGITS: &[u8] = b"0123456789";
const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const L_DIGIT: u64 = low(DIGITS);
const H_DIGIT: u64 = 0;
const L_ALPHA: u64 = 0;
const H_ALPHA: u64 = high(ALPHA);
const L_ALPHANUM: u64 = L_DIGIT | L_ALPHA;
const H_ALPHANUM: u64 = H_DIGIT | H_ALPHA;
const L_HEX: u64 = L_DIGIT;
const H_HEX: u64 = high(b"ABCDEFabcdef");
const L_MARK: u64 = low(b"-_.!~*'()");
const H_MARK: u64 = high(b"-_.!~*'()");
const L_UNRESERVED: u64 = L_ALPHANUM | L_MARK;
const H_UNRESERVED: u64 = H_ALPHANUM | H_MARK;
const L_RESERVED: u64 = low(b";/?:@&=+$,[]");
const H_RESERVED: u64 = high(b";/?:@&=+$,[]");
const L_ESCAPED: u64 = 1;
const H_ESCAPED: u64 = 0;
const L_URIC: u64 = L_RESERVED | L_UNRESERVED | L_ESCAPED;
const H_URIC: u64 = H_RESERVED | H_UNRESERVED | H_ESCAPED;
const L_PCHAR: u64 = L_UNRESERVED | L_ESCAPED | low(b":@&=+$,");
const H_PCHAR: u64 = H_UNRESERVED | H_ESCAPED | high(b":@&=+$,");
const L_PATH: u64 = L_PCHAR | low(b";/");
const H_PATH: u64 = H_PCHAR;
const L_DASH: u64 = low(b"-");
const H_DASH: u64 = 0;
const L_DOT: u64 = low(b".");
const H_DOT: u64 = 0;
const L_USERINFO: u64 = L_UNRESERVED | L_ESCAPED | low(b";:&=+$,");
const H_USERINFO: u64 = H_UNRESERVED | H_ESCAPED;
const L_REG_NAME: u64 = L_UNRESERVED | L_ESCAPED | low(b"$,;:@&=+");
const H_REG_NAME: u64 = H_UNRESERVED | H_ESCAPED | high(b"$,;:@&=+");
const L_SERVER: u64 = L_USERINFO | L_ALPHANUM | L_DASH | low(b".:@[]");
const H_SERVER: u64 = H_USERINFO | H_ALPHANUM | H_DASH | high(b".:@[]");
const L_SERVER_PERCENT: u64 = L_SERVER | low(b"%");
const H_SERVER_PERCENT: u64 = H_SERVER;
const L_SCHEME: u64 = L_ALPHA | L_DIGIT | low(b"+-.");
const H_SCHEME: u64 = H_ALPHA | H_DIGIT;
const L_SCOPE_ID: u64 = L_ALPHANUM | low(b"_.");
const H_SCOPE_ID: u64 = H_ALPHANUM | high(b"_.");

fn matches(c: char, l: u64, h: u64) -> bool {
    let c = c as u32;
    if c == 0 {
        false
    } else if c < 64 {
        (1u64 << c) & l != 0
    } else if c < 128 {
        (1u64 << (c - 64)) & h != 0
    } else {
        false
    }
}

/// What `new URI(string)` found.
#[derive(Default)]
struct Parsed {
    scheme: Option<usize>,
    ssp_start: usize,
    ssp_end: usize,
    host: Option<(usize, usize)>,
}

/// A URISyntaxException's reason (`java.net.URI`'s wording), used as the rule that refused.
struct Syntax(&'static str);

struct Parser<'a> {
    s: &'a [char],
    out: Parsed,
    ipv6_bytes: u32,
}

type P<T> = Result<T, Syntax>;

impl Parser<'_> {
    fn at(&self, p: usize, n: usize, c: char) -> bool {
        p < n && self.s[p] == c
    }

    fn at_str(&self, p: usize, n: usize, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        s.len() <= n.saturating_sub(p) && self.s[p..p + s.len()] == s[..]
    }

    fn scan_char(&self, p: usize, n: usize, c: char) -> usize {
        if self.at(p, n, c) { p + 1 } else { p }
    }

    /// scan(start, end, err, stop): -1 (None) when an `err` char comes first.
    fn scan_err_stop(&self, start: usize, n: usize, err: &str, stop: &str) -> Option<usize> {
        let mut p = start;
        while p < n {
            let c = self.s[p];
            if err.contains(c) {
                return None;
            }
            if stop.contains(c) {
                break;
            }
            p += 1;
        }
        Some(p)
    }

    fn scan_stop(&self, start: usize, n: usize, stop: &str) -> usize {
        let mut p = start;
        while p < n && !stop.contains(self.s[p]) {
            p += 1;
        }
        p
    }

    fn scan_escape(&self, p: usize, n: usize, c: char) -> P<usize> {
        if c == '%' {
            if p + 3 <= n
                && matches(self.s[p + 1], L_HEX, H_HEX)
                && matches(self.s[p + 2], L_HEX, H_HEX)
            {
                return Ok(p + 3);
            }
            return Err(Syntax("Malformed escape pair"));
        }
        // Non-ASCII characters other than spaces and controls (U+FFFD here) are "other" characters.
        if (c as u32) > 128 && !c.is_whitespace() && !c.is_control() {
            return Ok(p + 1);
        }
        Ok(p)
    }

    fn scan_mask(&self, start: usize, n: usize, l: u64, h: u64) -> P<usize> {
        let mut p = start;
        while p < n {
            let c = self.s[p];
            if matches(c, l, h) {
                p += 1;
                continue;
            }
            if l & L_ESCAPED != 0 {
                let q = self.scan_escape(p, n, c)?;
                if q > p {
                    p = q;
                    continue;
                }
            }
            break;
        }
        Ok(p)
    }

    fn check_chars(&self, start: usize, end: usize, l: u64, h: u64, what: &'static str) -> P<()> {
        if self.scan_mask(start, end, l, h)? < end {
            return Err(Syntax(what));
        }
        Ok(())
    }

    fn parse(&mut self) -> P<()> {
        let n = self.s.len();
        let p0 = self.scan_err_stop(0, n, "/?#", ":");
        let mut p;
        if let Some(q) = p0.filter(|&q| self.at(q, n, ':')) {
            if q == 0 {
                return Err(Syntax("Expected scheme name"));
            }
            self.check_chars(0, 1, L_ALPHA, H_ALPHA, "Illegal character in scheme name")?;
            self.check_chars(1, q, L_SCHEME, H_SCHEME, "Illegal character in scheme name")?;
            self.out.scheme = Some(q);
            p = q + 1;
            self.out.ssp_start = p;
            if self.at(p, n, '/') {
                p = self.parse_hierarchical(p, n)?;
            } else {
                let q = self.scan_stop(p, n, "#");
                if q <= p {
                    return Err(Syntax("Expected scheme-specific part"));
                }
                self.check_chars(p, q, L_URIC, H_URIC, "Illegal character in opaque part")?;
                p = q;
            }
        } else {
            self.out.ssp_start = 0;
            p = self.parse_hierarchical(0, n)?;
        }
        self.out.ssp_end = p;
        if self.at(p, n, '#') {
            self.check_chars(p + 1, n, L_URIC, H_URIC, "Illegal character in fragment")?;
            p = n;
        }
        if p < n {
            return Err(Syntax("end of URI"));
        }
        Ok(())
    }

    fn parse_hierarchical(&mut self, start: usize, n: usize) -> P<usize> {
        let mut p = start;
        if self.at(p, n, '/') && self.at(p + 1, n, '/') {
            p += 2;
            let q = self.scan_stop(p, n, "/?#");
            if q > p {
                p = self.parse_authority(p, q)?;
            } else if q >= n {
                return Err(Syntax("Expected authority"));
            }
        }
        let q = self.scan_stop(p, n, "?#");
        self.check_chars(p, q, L_PATH, H_PATH, "Illegal character in path")?;
        p = q;
        if self.at(p, n, '?') {
            p += 1;
            let q = self.scan_stop(p, n, "#");
            self.check_chars(p, q, L_URIC, H_URIC, "Illegal character in query")?;
            p = q;
        }
        Ok(p)
    }

    fn parse_authority(&mut self, start: usize, n: usize) -> P<usize> {
        let p = start;
        let server_chars = if self.scan_stop(p, n, "]") > p {
            self.scan_mask(p, n, L_SERVER_PERCENT, H_SERVER_PERCENT)? == n
        } else {
            self.scan_mask(p, n, L_SERVER, H_SERVER)? == n
        };
        let reg_chars = self.scan_mask(p, n, L_REG_NAME, H_REG_NAME)? == n;
        if reg_chars && !server_chars {
            return Ok(n);
        }
        // requireServerAuthority is false for `new URI(String)`.
        let skip = reg_chars;
        let mut q = p;
        let mut ex: Option<Syntax> = None;
        if server_chars {
            match self.parse_server(p, n, skip) {
                Ok(end) => {
                    if end < n {
                        if skip {
                            self.out.host = None;
                            q = p;
                        } else {
                            return Err(Syntax("Expected end of authority"));
                        }
                    } else {
                        q = end;
                    }
                }
                Err(x) => {
                    self.out.host = None;
                    ex = Some(x);
                    q = p;
                }
            }
        }
        if q < n {
            if reg_chars {
                // A registry-based authority: no host.
            } else if let Some(x) = ex {
                return Err(x);
            } else {
                return Err(Syntax("Illegal character in authority"));
            }
        }
        Ok(n)
    }

    fn parse_server(&mut self, start: usize, n: usize, skip: bool) -> P<usize> {
        let mut p = start;
        if let Some(q) = self.scan_err_stop(p, n, "/?#", "@")
            && q >= p
            && self.at(q, n, '@')
        {
            self.check_chars(
                p,
                q,
                L_USERINFO,
                H_USERINFO,
                "Illegal character in user info",
            )?;
            p = q + 1;
        }
        if self.at(p, n, '[') {
            p += 1;
            let q = self.scan_err_stop(p, n, "/?#", "]").unwrap_or(usize::MAX);
            if q != usize::MAX && q > p && self.at(q, n, ']') {
                let r = self.scan_stop(p, q, "%");
                if r > p {
                    self.parse_ipv6_reference(p, r)?;
                    if r + 1 == q {
                        return Err(Syntax("scope id expected"));
                    }
                    self.check_chars(
                        r + 1,
                        q,
                        L_SCOPE_ID,
                        H_SCOPE_ID,
                        "Illegal character in scope id",
                    )?;
                } else {
                    self.parse_ipv6_reference(p, q)?;
                }
                self.out.host = Some((p - 1, q + 1));
                p = q + 1;
            } else {
                return Err(Syntax("Expected closing bracket for IPv6 address"));
            }
        } else {
            let q = self.parse_ipv4_address(p, n);
            p = if q.is_none_or(|q| q <= p) {
                self.parse_hostname(p, n, skip)?
            } else {
                q.unwrap_or(p)
            };
        }
        if self.at(p, n, ':') {
            p += 1;
            let q = self.scan_stop(p, n, "/");
            if q > p {
                self.check_chars(p, q, L_DIGIT, H_DIGIT, "Illegal character in port number")?;
                let digits: String = self.s[p..q].iter().collect();
                if digits.parse::<i32>().is_err() {
                    return Err(Syntax("Malformed port number"));
                }
                p = q;
            }
        } else if p < n && skip {
            return Ok(p);
        }
        if p < n {
            return Err(Syntax("Expected port number"));
        }
        Ok(p)
    }

    fn scan_byte(&self, start: usize, n: usize) -> P<usize> {
        let q = self.scan_mask(start, n, L_DIGIT, H_DIGIT)?;
        if q <= start {
            return Ok(q);
        }
        let text: String = self.s[start..q].iter().collect();
        match text.parse::<i64>() {
            Ok(v) if v > 255 => Ok(start),
            Ok(_) => Ok(q),
            // Integer.parseInt overflows: a NumberFormatException.
            Err(_) => Err(Syntax("NumberFormatException")),
        }
    }

    /// `scanIPv4Address`: `Ok(None)` = -1.
    fn scan_ipv4_address(&self, start: usize, n: usize, strict: bool) -> P<Option<usize>> {
        let mut p = start;
        let m = self.scan_mask(p, n, L_DIGIT | L_DOT, H_DIGIT | H_DOT)?;
        if m <= p || (strict && m != n) {
            return Ok(None);
        }
        // Four bytes separated by dots, exactly filling the run of digits and dots; anything else is a
        // malformed address (the JDK's `for (;;)` that breaks to its failure).
        for step in 0..7 {
            let q = if step % 2 == 0 {
                self.scan_byte(p, m)?
            } else {
                self.scan_char(p, m, '.')
            };
            if q <= p {
                return Err(Syntax("Malformed IPv4 address"));
            }
            p = q;
        }
        if p < m {
            return Err(Syntax("Malformed IPv4 address"));
        }
        Ok(Some(p))
    }

    fn take_ipv4_address(&self, start: usize, n: usize, expected: &'static str) -> P<usize> {
        match self.scan_ipv4_address(start, n, true)? {
            Some(p) if p > start => Ok(p),
            _ => Err(Syntax(expected)),
        }
    }

    fn parse_ipv4_address(&mut self, start: usize, n: usize) -> Option<usize> {
        let mut p = match self.scan_ipv4_address(start, n, false) {
            Ok(Some(p)) => p,
            _ => return None,
        };
        if p > start && p < n && self.s[p] != ':' {
            return None;
        }
        if p > start {
            self.out.host = Some((start, p));
        } else {
            p = start;
        }
        Some(p)
    }

    fn parse_hostname(&mut self, start: usize, n: usize, skip: bool) -> P<usize> {
        let mut p = start;
        let mut l: Option<usize> = None;
        loop {
            let q = self.scan_mask(p, n, L_ALPHANUM, H_ALPHANUM)?;
            if q <= p {
                break;
            }
            l = Some(p);
            p = q;
            let q = self.scan_mask(p, n, L_ALPHANUM | L_DASH, H_ALPHANUM | H_DASH)?;
            if q > p {
                if self.s[q - 1] == '-' {
                    return Err(Syntax("Illegal character in hostname"));
                }
                p = q;
            }
            let q = self.scan_char(p, n, '.');
            if q <= p {
                break;
            }
            p = q;
            if p >= n {
                break;
            }
        }
        if p < n && !self.at(p, n, ':') {
            if skip {
                return Ok(p);
            }
            return Err(Syntax("Illegal character in hostname"));
        }
        let Some(l) = l else {
            return Err(Syntax("Expected hostname"));
        };
        if l > start && !matches(self.s[l], L_ALPHA, H_ALPHA) {
            return Err(Syntax("Illegal character in hostname"));
        }
        self.out.host = Some((start, p));
        Ok(p)
    }

    fn parse_ipv6_reference(&mut self, start: usize, n: usize) -> P<usize> {
        let mut p = start;
        let mut compressed = false;
        let q = self.scan_hex_seq(p, n)?;
        if let Some(q) = q.filter(|&q| q > p) {
            p = q;
            if self.at_str(p, n, "::") {
                compressed = true;
                p = self.scan_hex_post(p + 2, n)?;
            } else if self.at(p, n, ':') {
                p = self.take_ipv4_address(p + 1, n, "Expected IPv4 address")?;
                self.ipv6_bytes += 4;
            }
        } else if self.at_str(p, n, "::") {
            compressed = true;
            p = self.scan_hex_post(p + 2, n)?;
        }
        if p < n {
            return Err(Syntax("Malformed IPv6 address"));
        }
        if self.ipv6_bytes > 16 {
            return Err(Syntax("IPv6 address too long"));
        }
        if !compressed && self.ipv6_bytes < 16 {
            return Err(Syntax("IPv6 address too short"));
        }
        if compressed && self.ipv6_bytes == 16 {
            return Err(Syntax("Malformed IPv6 address"));
        }
        Ok(p)
    }

    fn scan_hex_post(&mut self, start: usize, n: usize) -> P<usize> {
        let mut p = start;
        if p == n {
            return Ok(p);
        }
        match self.scan_hex_seq(p, n)?.filter(|&q| q > p) {
            Some(q) => {
                p = q;
                if self.at(p, n, ':') {
                    p = self.take_ipv4_address(p + 1, n, "Expected hex digits or IPv4 address")?;
                    self.ipv6_bytes += 4;
                }
            }
            None => {
                p = self.take_ipv4_address(p, n, "Expected hex digits or IPv4 address")?;
                self.ipv6_bytes += 4;
            }
        }
        Ok(p)
    }

    /// `scanHexSeq`: `Ok(None)` = -1.
    fn scan_hex_seq(&mut self, start: usize, n: usize) -> P<Option<usize>> {
        let mut p = start;
        let q = self.scan_mask(p, n, L_HEX, H_HEX)?;
        if q <= p || self.at(q, n, '.') {
            return Ok(None);
        }
        if q > p + 4 {
            return Err(Syntax("IPv6 hexadecimal digit sequence too long"));
        }
        self.ipv6_bytes += 2;
        p = q;
        while p < n {
            if !self.at(p, n, ':') || self.at(p + 1, n, ':') {
                break;
            }
            p += 1;
            let q = self.scan_mask(p, n, L_HEX, H_HEX)?;
            if q <= p {
                return Err(Syntax("Expected digits for an IPv6 address"));
            }
            if self.at(q, n, '.') {
                p -= 1;
                break;
            }
            if q > p + 4 {
                return Err(Syntax("IPv6 hexadecimal digit sequence too long"));
            }
            self.ipv6_bytes += 2;
            p = q;
        }
        Ok(Some(p))
    }
}

fn parse(s: &[char]) -> Result<Parsed, Syntax> {
    let mut p = Parser {
        s,
        out: Parsed::default(),
        ipv6_bytes: 0,
    };
    p.parse()?;
    Ok(p.out)
}

fn text(s: &[char]) -> String {
    s.iter().collect()
}

/// `URIName(String)`: a URI with a scheme; its host, when it has one, an IPv6 literal or a valid DNS
/// name (else JDK 17 from 17.0.20: an IPv4 literal; JDK 25 and 17 before 17.0.20: an IP address,
/// looked up — see the module docs of [`super`]).
pub(super) fn uri_name(s: &[char], jdk: Jdk) -> R<()> {
    const RULE: &str = "URIName";
    let uri =
        parse(s).map_err(|Syntax(why)| Fail::new(why, format!("invalid URI name:{}", text(s))))?;
    if uri.scheme.is_none() {
        return Err(Fail::new(
            RULE,
            format!("URI name must include scheme:{}", text(s)),
        ));
    }
    let Some((hs, he)) = uri.host else {
        return Ok(());
    };
    let host = &s[hs..he];
    if host.first() == Some(&'[') {
        let inner = &host[1..host.len() - 1];
        // IPAddressName(String) → InetAddress.getByName: a numeric scope id resolves, an interface
        // name is looked up on this machine (modelled as absent).
        if let Some(pct) = inner.iter().position(|&c| c == '%')
            && !inner[pct + 1..].iter().all(char::is_ascii_digit)
        {
            return Err(Fail::new(
                RULE,
                format!(
                    "invalid URI name (host portion is not a valid IPv6 address):{}",
                    text(s)
                ),
            ));
        }
        return Ok(());
    }
    if dns_name_string(host, jdk).is_ok() {
        return Ok(());
    }
    let what = if jdk.parser_17u20() {
        "portion is not a valid DNSName or IPv4 address"
    } else {
        "portion is not a valid DNSName, IPv4 address, or IPv6 address"
    };
    if jdk.parser_17u20() && ipv4_literal(host) {
        return Ok(());
    }
    Err(Fail::new(
        RULE,
        format!("invalid URI name (host {what}):{}", text(s)),
    ))
}

/// `IPAddressUtil.textToNumericFormatV4`: 1 to 4 decimal parts, the last filling the remaining bytes.
fn ipv4_literal(host: &[char]) -> bool {
    if host.is_empty() || host.len() > 15 {
        return false;
    }
    let mut value: i64 = 0;
    let mut byte = 0;
    let mut new_octet = true;
    for &c in host {
        if c == '.' {
            if new_octet || !(0..=0xff).contains(&value) || byte == 3 {
                return false;
            }
            byte += 1;
            value = 0;
            new_octet = true;
        } else if let Some(d) = c.to_digit(10) {
            value = value * 10 + i64::from(d);
            new_octet = false;
        } else {
            return false;
        }
    }
    !(new_octet || value < 0 || value >= 1i64 << ((4 - byte) * 8))
}

/// `URIName.nameConstraint`: no scheme; the scheme-specific part (less a leading `.`) is a DNS name.
pub(super) fn name_constraint(s: &[char], jdk: Jdk) -> R<()> {
    const RULE: &str = "URIName: name constraint";
    let uri = parse(s).map_err(|Syntax(why)| {
        Fail::new(why, format!("invalid URI name constraint:{}", text(s)))
    })?;
    if uri.scheme.is_some() {
        return Err(Fail::new(
            RULE,
            format!(
                "invalid URI name constraint (should not include scheme):{}",
                text(s)
            ),
        ));
    }
    // getSchemeSpecificPart() decodes %XX escapes (as UTF-8).
    let ssp = decode(&s[uri.ssp_start..uri.ssp_end]);
    let host = if ssp.first() == Some(&'.') {
        &ssp[1..]
    } else {
        &ssp[..]
    };
    dns_name_string(host, jdk)
        .map_err(|_| Fail::new(RULE, format!("invalid URI name constraint:{}", text(s))))
}

/// `URI.decode`: `%XX` escapes become the UTF-8 they spell (malformed sequences become U+FFFD).
fn decode(s: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != '%' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let mut bytes = Vec::new();
        while i + 2 < s.len() + 1 && s.get(i) == Some(&'%') {
            let hex: String = s[i + 1..(i + 3).min(s.len())].iter().collect();
            match u8::from_str_radix(&hex, 16) {
                Ok(b) if hex.len() == 2 => bytes.push(b),
                _ => break,
            }
            i += 3;
        }
        if bytes.is_empty() {
            out.push('%');
            i += 1;
        }
        out.extend(String::from_utf8_lossy(&bytes).chars());
    }
    out
}

/// `DNSName(String, false)`: the rules for a DNS name built from a string (used for URI hosts). JDK 17
/// from 17.0.20 checks lengths (253, 63 per label) and hyphens at both ends of a label; JDK 25 and 17
/// before 17.0.20 only that each label starts with a letter or digit and holds letters, digits and
/// hyphens.
fn dns_name_string(name: &[char], jdk: Jdk) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("DNSName must not be null or empty");
    }
    if name.contains(&' ') {
        return Err("DNSName with blank labels is not permitted");
    }
    if name[0] == '.' || name[name.len() - 1] == '.' {
        return Err("DNSName may not begin or end with a .");
    }
    if jdk.parser_17u20() && name.len() > 253 {
        return Err("DNSName can't be longer than 253 characters");
    }
    for label in name.split(|&c| c == '.') {
        if label.is_empty() {
            return Err("DNSName with empty labels is not permitted");
        }
        if jdk.parser_17u20() {
            if label.len() > 63 {
                return Err("DNSName label can't be longer than 63 characters");
            }
            if label[0] == '-' || label[label.len() - 1] == '-' {
                return Err("DNSName label may not begin or end with a hyphen");
            }
        } else if !label[0].is_ascii_alphanumeric() {
            return Err("DNSName components must begin with a letter or digit");
        }
        if !label.iter().all(|c| c.is_ascii_alphanumeric() || *c == '-') {
            return Err("DNSName labels must consist of letters, digits, and hyphens");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn uris_need_a_scheme_and_a_valid_host() {
        assert!(uri_name(&chars("http://ca.example.test/ca.crt"), Jdk::V17).is_ok());
        assert!(uri_name(&chars("ca.example.test/ca.crt"), Jdk::V17).is_err());
        assert!(uri_name(&chars("http://[::1]:80/"), Jdk::V17).is_ok());
        assert!(uri_name(&chars("http://exa mple/"), Jdk::V17).is_err());
        assert!(uri_name(&chars("http://example.test./"), Jdk::V17).is_err());
        // An IPv4 address out of range is no server authority: a registry-based one has no host.
        assert!(uri_name(&chars("http://1.2.3.999/"), Jdk::V17).is_ok());
        assert!(uri_name(&chars("ldap:///cn=x"), Jdk::V17).is_ok());
        assert!(uri_name(&chars("http://%zz/"), Jdk::V17).is_err());
    }

    #[test]
    fn uri_name_constraints_are_host_names_without_a_scheme() {
        assert!(name_constraint(&chars(".example.test"), Jdk::V17).is_ok());
        assert!(name_constraint(&chars("example.test"), Jdk::V17).is_ok());
        assert!(name_constraint(&chars("http://example.test"), Jdk::V17).is_err());
        assert!(name_constraint(&chars(""), Jdk::V17).is_err());
    }
}
