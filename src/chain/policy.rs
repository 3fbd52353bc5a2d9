//! RFC 5280 certificate policy processing (sections 6.1.2–6.1.5) on one candidate path: the valid policy
//! tree and its pruning, requireExplicitPolicy, inhibitPolicyMapping, inhibitAnyPolicy, policy mappings
//! and policy qualifiers.
//!
//! **java** follows the JDK's `sun.security.provider.certpath.PolicyChecker` and `PolicyNodeImpl` (JDK 17
//! and 25 behave alike here) under the settings a JSSE trust manager's `PKIXValidator` leaves at their
//! `PKIXParameters` defaults: initial policy set {anyPolicy}, explicit policy not required, policy mapping
//! and anyPolicy not inhibited, policy qualifiers rejected. So a path fails only when a certificate on it
//! turns explicit policy on (policyConstraints requireExplicitPolicy) and the valid policy tree is, or
//! becomes, empty; when a CA maps to or from anyPolicy while the tree is not empty; or when a certificate
//! with a *critical* certificatePolicies extension attaches qualifiers to a policy other than anyPolicy
//! while the tree is not empty. The trust anchor is not part of the path: its own policy extensions are
//! never read (the JDK builds its `TrustAnchor` from the certificate without constraints). The
//! extensions are read as the JDK's extension classes (`CertificatePoliciesExtension`,
//! `PolicyMappingsExtension`, `PolicyConstraintsExtension`, `InhibitAnyPolicyExtension`) read them: BER
//! lengths are accepted, trailing elements inside a policy or a mapping are ignored, an empty sequence is
//! valid, inhibitAnyPolicy must be critical. One they cannot parse makes the whole certificate
//! unparseable when the extension is critical, and is ignored when it is not.
//!
//! **browser** follows Chrome's verifier (BoringSSL `pki/verify_certificate_chain.cc`) with Chrome's
//! settings, the same defaults, for an anchor whose constraints are not enforced (BoringSSL's
//! `TRUSTED_ANCHOR`, the Chrome Root Store's default): the same tree outcome, but anyPolicy in a mapping is an error even when the tree is empty,
//! the final certificate's explicit-policy countdown does not spare a self-issued one, a critical
//! certificatePolicies may carry qualifiers only of the CPS and user-notice kinds, and every policy
//! extension must be strict DER of its RFC 5280 type (at least one policy, no duplicates, counts 0..255),
//! whatever its criticality.
//!
//! Two departures from the JDK's memory use. Sibling nodes that a certificate listing the same policy twice
//! would duplicate are kept once: they would grow identically, so no verdict changes, and without
//! mappings the tree stays linear in the policies asserted. A tree that would exceed [`MAX_POLICY_NODES`]
//! nodes — possible only through policy mappings that fan out at every level, which no real CA issues —
//! stops the check with `invalid-chain` (not judged) where the JVM would go on building it, at a cost of
//! hundreds of bytes per node.
//!
//! Most paths carry no policyConstraints, no policyMappings and no critical policy extension; nothing on
//! them can fail, and for those the check is a scan of extension OIDs.

use std::borrow::Cow;

use x509_parser::prelude::*;

use super::pool::Pool;
use super::problem::Problem;
use super::problem::label;
use crate::finding::Code;

const CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
const POLICY_MAPPINGS: &[u8] = &[0x55, 0x1d, 0x21];
const POLICY_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x24];
const INHIBIT_ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x36];
/// anyPolicy, 2.5.29.32.0.
const ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];
/// id-qt-cps, 1.3.6.1.5.5.7.2.1.
const QUALIFIER_CPS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01];
/// id-qt-unotice, 1.3.6.1.5.5.7.2.2.
const QUALIFIER_USER_NOTICE: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x02];

/// The most nodes the valid policy tree may have before the check gives up (see the module
/// documentation). Real paths have a handful.
pub(crate) const MAX_POLICY_NODES: usize = 1 << 16;

/// Whose rules the processing follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// The JDK's `PolicyChecker` and extension parsers.
    Jdk,
    /// Chrome's verifier (BoringSSL `pki/`).
    Chrome,
}

/// A policy OID as the content octets of its encoding: the JDK's `ObjectIdentifier` and BoringSSL both
/// compare those.
type PolicyId<'a> = &'a [u8];

/// Runs policy processing on `path` (pool indices, leaf first, without the trust anchor) and pushes what
/// fails, at the position of the certificate where the check fails.
pub(crate) fn check(out: &mut Vec<Problem>, pool: &Pool<'_>, path: &[usize], flavor: Flavor) {
    if !path.iter().any(|&i| has_rules(&pool.items[i].parsed)) {
        if flavor == Flavor::Chrome {
            // Nothing can fail but the parse of a policy extension, which Chrome refuses whatever its
            // criticality.
            for (pos, &i) in path.iter().enumerate() {
                if let Err(p) = read(&pool.items[i].parsed, flavor, pos, &|| {
                    label(pool.items[i].info)
                }) {
                    out.push(p);
                    return;
                }
            }
        }
        return;
    }
    let links: Vec<Link<'_, '_>> = path
        .iter()
        .enumerate()
        .map(|(pos, &i)| Link {
            pos,
            cert: &pool.items[i].parsed,
            self_issued: pool.self_issued(i),
            who: label(pool.items[i].info),
        })
        .collect();
    if let Some(p) = process(&links, flavor) {
        out.push(p);
    }
}

/// Whether a certificate carries something that can make policy processing fail: policyConstraints,
/// policyMappings, or a critical certificatePolicies or inhibitAnyPolicy. Without one of these on the path,
/// explicit policy is never required (it starts at n+1 and counts down at most n times), no mapping can
/// name anyPolicy, no critical qualifier can be rejected and, for the JDK, no parse failure counts.
fn has_rules(cert: &X509Certificate<'_>) -> bool {
    cert.extensions().iter().any(|e| {
        let oid = e.oid.as_bytes();
        oid == POLICY_CONSTRAINTS
            || oid == POLICY_MAPPINGS
            || (e.critical && (oid == CERTIFICATE_POLICIES || oid == INHIBIT_ANY_POLICY))
    })
}

/// One certificate of the path.
struct Link<'c, 'a> {
    /// Position on the path (0 = leaf).
    pos: usize,
    cert: &'c X509Certificate<'a>,
    self_issued: bool,
    /// Its label for messages.
    who: String,
}

/// One entry of a certificatePolicies extension.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PolicyInfo<'a> {
    policy: PolicyId<'a>,
    /// The policyQualifierIds, in order.
    qualifiers: Vec<PolicyId<'a>>,
}

/// The policy extensions of one certificate, as the flavor's parser reads them. Constraint values follow
/// the JDK's encoding: -1 when absent.
#[derive(Debug, Default)]
struct Exts<'a> {
    /// certificatePolicies: its criticality and entries.
    policies: Option<(bool, Vec<PolicyInfo<'a>>)>,
    /// policyMappings: (issuerDomainPolicy, subjectDomainPolicy) pairs.
    mappings: Option<Vec<(PolicyId<'a>, PolicyId<'a>)>>,
    /// policyConstraints: (requireExplicitPolicy, inhibitPolicyMapping).
    constraints: Option<(i64, i64)>,
    /// inhibitAnyPolicy skipCerts (the JDK reads -1 as `Integer.MAX_VALUE`).
    inhibit_any: Option<i64>,
}

/// Reads a certificate's policy extensions (the first of each kind; a repeated extension is refused
/// elsewhere). A problem when the flavor refuses the certificate because of one.
fn read<'a>(
    cert: &X509Certificate<'a>,
    flavor: Flavor,
    pos: usize,
    who: &dyn Fn() -> String,
) -> Result<Exts<'a>, Problem> {
    let mut exts = Exts::default();
    let mut seen: [bool; 4] = [false; 4];
    for e in cert.extensions() {
        let oid = e.oid.as_bytes();
        let (slot, name, jdk_class) = match oid {
            CERTIFICATE_POLICIES => (0, "certificatePolicies", "CertificatePoliciesExtension"),
            POLICY_MAPPINGS => (1, "policyMappings", "PolicyMappingsExtension"),
            POLICY_CONSTRAINTS => (2, "policyConstraints", "PolicyConstraintsExtension"),
            INHIBIT_ANY_POLICY => (3, "inhibitAnyPolicy", "InhibitAnyPolicyExtension"),
            _ => continue,
        };
        if std::mem::replace(&mut seen[slot], true) {
            continue;
        }
        let parsed = match (slot, flavor) {
            (0, Flavor::Jdk) => {
                jdk::policies(e.value).map(|p| exts.policies = Some((e.critical, p)))
            }
            (0, Flavor::Chrome) => {
                chrome::policies(e.value, e.critical).map(|p| exts.policies = Some((e.critical, p)))
            }
            (1, Flavor::Jdk) => jdk::mappings(e.value).map(|m| exts.mappings = Some(m)),
            (1, Flavor::Chrome) => chrome::mappings(e.value).map(|m| exts.mappings = Some(m)),
            (2, Flavor::Jdk) => jdk::constraints(e.value).map(|c| exts.constraints = Some(c)),
            (2, Flavor::Chrome) => chrome::constraints(e.value).map(|c| exts.constraints = Some(c)),
            (3, Flavor::Jdk) => {
                jdk::inhibit_any(e.value, e.critical).map(|s| exts.inhibit_any = Some(s))
            }
            _ => chrome::inhibit_any(e.value).map(|s| exts.inhibit_any = Some(s)),
        };
        let Err(why) = parsed else { continue };
        match flavor {
            // The JDK keeps a non-critical extension it cannot parse aside, unused
            // (`CertificateExtensions.parseExtension`); a critical one fails the certificate's parse.
            Flavor::Jdk if !e.critical => {}
            Flavor::Jdk => {
                return Err(Problem::fatal(
                    Code::InvalidChain,
                    pos,
                    format!(
                        "the JVM cannot parse {}: its critical {name} extension is malformed ({why})",
                        who()
                    ),
                )
                .by(jdk_class));
            }
            Flavor::Chrome => {
                return Err(Problem::fatal(
                    Code::InvalidChain,
                    pos,
                    format!("{}: the {name} extension is malformed ({why})", who()),
                ));
            }
        }
    }
    Ok(exts)
}

/// Runs the processing over the path, top (issued by the anchor) to leaf; the first failure.
fn process(links: &[Link<'_, '_>], flavor: Flavor) -> Option<Problem> {
    let n = links.len();
    let mut exts = Vec::with_capacity(n);
    for l in links {
        match read(l.cert, flavor, l.pos, &|| l.who.clone()) {
            Ok(e) => exts.push(e),
            Err(p) => return Some(p),
        }
    }
    let jdk = flavor == Flavor::Jdk;
    // PolicyChecker.init with the default settings: every counter starts at n+1.
    let mut explicit = n as i64 + 1;
    let mut mapping = n as i64 + 1;
    let mut inhibit_any = n as i64 + 1;
    // Which certificate last lowered each counter, for messages.
    let mut explicit_by: Option<(usize, i64)> = None;
    let mut mapping_by: Option<usize> = None;
    let mut any_by: Option<usize> = None;
    let mut tree = Some(Tree::new());
    // Why the tree became empty, once it is.
    let mut emptied: Option<String> = None;

    for depth in 1..=n {
        let pos = n - depth;
        let link = &links[pos];
        let ext = &exts[pos];
        let last = depth == n;
        let who = &link.who;

        // 6.1.3 (d)/(e): the certificate's policies extend the tree, or empty it.
        match (&ext.policies, tree.as_mut()) {
            (Some((critical, infos)), Some(t)) => {
                // The qualifiers of anyPolicy only decorate the nodes it creates; they decide nothing.
                let mut asserts_any = false;
                for info in infos {
                    if info.policy == ANY_POLICY {
                        asserts_any = true;
                        continue;
                    }
                    if jdk && *critical && !info.qualifiers.is_empty() {
                        return Some(
                            Problem::fatal(
                                Code::PolicyViolation,
                                pos,
                                format!(
                                    "{who} qualifies the policy {} in a critical certificatePolicies extension, and the JVM rejects critical policy qualifiers (PKIXParameters.getPolicyQualifiersRejected() is true by default)",
                                    dotted(info.policy)
                                ),
                            )
                            .by("PolicyChecker: critical policy qualifiers"),
                        );
                    }
                    let found = match t.add_children(depth, info.policy, false) {
                        Ok(found) => found,
                        Err(p) => return Some(p.at(pos)),
                    };
                    if !found && let Err(p) = t.add_children(depth, info.policy, true) {
                        return Some(p.at(pos));
                    }
                }
                let any_allowed = inhibit_any > 0 || (!last && link.self_issued);
                if asserts_any
                    && any_allowed
                    && let Err(p) = t.expand_any(depth)
                {
                    return Some(p.at(pos));
                }
                t.prune(depth);
                if t.is_empty() {
                    let listed: Vec<String> = infos.iter().map(|i| dotted(i.policy)).collect();
                    emptied = Some(if asserts_any && !any_allowed {
                        let by = any_by.map_or_else(String::new, |p| {
                            format!(" (inhibitAnyPolicy of {})", links[p].who)
                        });
                        format!(
                            "{who} asserts {}, but anyPolicy no longer matches{by} and no other policy of it continues the path",
                            listed.join(", ")
                        )
                    } else {
                        format!(
                            "none of the policies {who} asserts ({}) continues a policy of the certificates above it",
                            if listed.is_empty() {
                                "none".to_owned()
                            } else {
                                listed.join(", ")
                            }
                        )
                    });
                    tree = None;
                }
            }
            (None, Some(_)) => {
                emptied = Some(format!("{who} has no certificatePolicies extension"));
                tree = None;
            }
            _ => {}
        }

        // 6.1.4 (a)/(b): mappings, for every certificate but the last.
        if !last && let Some(maps) = &ext.mappings {
            // The JDK checks while the tree is not empty (processPolicyMappings), Chrome always.
            if (!jdk || tree.is_some())
                && let Some((issuer, subject)) = maps
                    .iter()
                    .find(|(i, s)| *i == ANY_POLICY || *s == ANY_POLICY)
            {
                let p = Problem::fatal(
                    Code::PolicyViolation,
                    pos,
                    format!(
                        "{who} maps the policy {} to {}: anyPolicy may not be mapped (RFC 5280 4.2.1.5)",
                        dotted(issuer),
                        dotted(subject)
                    ),
                );
                return Some(if jdk {
                    p.by("PolicyChecker: policyMappings")
                } else {
                    p
                });
            }
            if let Some(t) = tree.as_mut() {
                let mut deleted = None;
                for (issuer, subject) in maps {
                    let nodes = t.valid_at(depth, issuer);
                    if !nodes.is_empty() {
                        for node in nodes {
                            if mapping > 0 || mapping == -1 {
                                t.add_expected(node, subject);
                            } else if mapping == 0 {
                                t.delete(node);
                                deleted = Some(*issuer);
                            }
                        }
                    } else if mapping > 0 || mapping == -1 {
                        for any in t.valid_at(depth, ANY_POLICY) {
                            if let Err(p) = t.add_mapped_child(any, issuer, subject) {
                                return Some(p.at(pos));
                            }
                        }
                    }
                }
                if let Some(issuer) = deleted {
                    t.prune(depth);
                    if t.is_empty() {
                        let by = mapping_by.map_or_else(String::new, |p| {
                            format!(" by the inhibitPolicyMapping of {}", links[p].who)
                        });
                        emptied = Some(format!(
                            "{who} maps the policy {} while policy mapping is inhibited{by}, which removes it",
                            dotted(issuer)
                        ));
                        tree = None;
                    }
                }
            }
        }

        if last {
            // 6.1.5 (a)/(b).
            if explicit > 0 && (!jdk || !link.self_issued) {
                explicit -= 1;
            }
            if ext.constraints.is_some_and(|(require, _)| require == 0) {
                explicit = 0;
                explicit_by = Some((pos, 0));
            }
        }

        // 6.1.3 (f) (and, for the last certificate, 6.1.5 (g)).
        if explicit == 0 && tree.is_none() {
            let by = match explicit_by {
                Some((src, v)) if src != pos => format!(
                    "the policyConstraints of {} (requireExplicitPolicy={v})",
                    links[src].who
                ),
                Some((_, v)) => format!("its own policyConstraints (requireExplicitPolicy={v})"),
                None => "the path".to_owned(),
            };
            let cause = emptied
                .as_deref()
                .unwrap_or("the valid policy tree is empty");
            let p = Problem::fatal(
                Code::PolicyViolation,
                pos,
                format!(
                    "no certificate policy is valid for the path at {who}, and {by} requires one: {cause}"
                ),
            );
            return Some(if jdk {
                p.by("PolicyChecker: requireExplicitPolicy")
            } else {
                p
            });
        }

        if !last {
            // 6.1.4 (h)–(j): count down, then take the certificate's own constraints.
            let counts = !link.self_issued;
            if explicit > 0 && counts {
                explicit -= 1;
            }
            if mapping > 0 && counts {
                mapping -= 1;
            }
            if inhibit_any > 0 && counts {
                inhibit_any -= 1;
            }
            if let Some((require, inhibit)) = ext.constraints {
                if require != -1 && (explicit == -1 || require < explicit) {
                    explicit = require;
                    explicit_by = Some((pos, require));
                }
                if inhibit != -1 && (mapping == -1 || inhibit < mapping) {
                    mapping = inhibit;
                    mapping_by = Some(pos);
                }
            }
            if let Some(skip) = ext.inhibit_any
                && skip != -1
                && skip < inhibit_any
            {
                inhibit_any = skip;
                any_by = Some(pos);
            }
        }
    }
    None
}

/// The dotted form of a policy OID (`anyPolicy` for 2.5.29.32.0).
fn dotted(oid: PolicyId<'_>) -> String {
    if oid == ANY_POLICY {
        return "anyPolicy".to_owned();
    }
    x509_parser::der_parser::oid::Oid::new(Cow::Borrowed(oid)).to_id_string()
}

/// The valid policy tree (RFC 5280 6.1.2 (a)), as `PolicyNodeImpl` keeps it: nodes with a valid policy,
/// the set of policies expected below them, and whether that set is still the original one (a mapping
/// replaces it). Nodes live in one arena; a deleted or pruned node is marked dead and unlinked from its
/// parent.
struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    /// Node indices by depth (dead ones included).
    levels: Vec<Vec<usize>>,
}

struct Node<'a> {
    parent: usize,
    policy: PolicyId<'a>,
    expected: Vec<PolicyId<'a>>,
    original_expected: bool,
    children: Vec<usize>,
    alive: bool,
}

/// The tree outgrew [`MAX_POLICY_NODES`]; the position is filled in by the caller.
struct TooBig;

impl TooBig {
    fn at(self, pos: usize) -> Problem {
        Problem::fatal(
            Code::InvalidChain,
            pos,
            format!(
                "the policy mappings of the path make a valid policy tree of more than {MAX_POLICY_NODES} nodes; trustpath stops there"
            ),
        )
    }
}

impl<'a> Tree<'a> {
    /// The initial tree: one anyPolicy node expecting anyPolicy.
    fn new() -> Self {
        Tree {
            nodes: vec![Node {
                parent: usize::MAX,
                policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                original_expected: true,
                children: Vec::new(),
                alive: true,
            }],
            levels: vec![vec![0]],
        }
    }

    fn is_empty(&self) -> bool {
        self.nodes[0].children.is_empty()
    }

    fn alive_at(&self, depth: usize) -> Vec<usize> {
        self.levels.get(depth).map_or_else(Vec::new, |l| {
            l.iter().copied().filter(|&i| self.nodes[i].alive).collect()
        })
    }

    /// Live nodes at `depth` whose valid policy is `policy` (`getPolicyNodesValid`).
    fn valid_at(&self, depth: usize, policy: PolicyId<'_>) -> Vec<usize> {
        self.alive_at(depth)
            .into_iter()
            .filter(|&i| self.nodes[i].policy == policy)
            .collect()
    }

    fn add(
        &mut self,
        parent: usize,
        policy: PolicyId<'a>,
        expected: PolicyId<'a>,
        original: bool,
    ) -> Result<usize, TooBig> {
        if self.nodes.len() >= MAX_POLICY_NODES {
            return Err(TooBig);
        }
        let depth = self.depth_of(parent) + 1;
        let i = self.nodes.len();
        self.nodes.push(Node {
            parent,
            policy,
            expected: vec![expected],
            original_expected: original,
            children: Vec::new(),
            alive: true,
        });
        self.nodes[parent].children.push(i);
        if self.levels.len() <= depth {
            self.levels.resize_with(depth + 1, Vec::new);
        }
        self.levels[depth].push(i);
        Ok(i)
    }

    fn depth_of(&self, mut i: usize) -> usize {
        let mut d = 0;
        while self.nodes[i].parent != usize::MAX {
            i = self.nodes[i].parent;
            d += 1;
        }
        d
    }

    fn has_child(&self, parent: usize, policy: PolicyId<'_>) -> bool {
        self.nodes[parent]
            .children
            .iter()
            .any(|&c| self.nodes[c].policy == policy)
    }

    /// 6.1.3 (d)(1): gives `policy` a child under every node of depth `depth - 1` that expects it (or,
    /// with `via_any`, that expects anyPolicy) — `PolicyChecker.processParents`. Whether any did.
    fn add_children(
        &mut self,
        depth: usize,
        policy: PolicyId<'a>,
        via_any: bool,
    ) -> Result<bool, TooBig> {
        let wanted = if via_any { ANY_POLICY } else { policy };
        let parents: Vec<usize> = self
            .alive_at(depth - 1)
            .into_iter()
            .filter(|&p| self.nodes[p].expected.contains(&wanted))
            .collect();
        for &parent in &parents {
            // A policy listed twice would give the parent two identical children; one stands for both.
            if !self.has_child(parent, policy) {
                self.add(parent, policy, policy, true)?;
            }
        }
        Ok(!parents.is_empty())
    }

    /// 6.1.3 (d)(2): for anyPolicy, every node of depth `depth - 1` gets a child for each policy it
    /// expects that none of its children has yet.
    fn expand_any(&mut self, depth: usize) -> Result<(), TooBig> {
        for parent in self.alive_at(depth - 1) {
            let expected = self.nodes[parent].expected.clone();
            for e in expected {
                if !self.has_child(parent, e) {
                    self.add(parent, e, e, true)?;
                }
            }
        }
        Ok(())
    }

    /// 6.1.4 (b)(1), second half: a node for `issuer` beside the anyPolicy node `any`, expecting `subject`.
    fn add_mapped_child(
        &mut self,
        any: usize,
        issuer: PolicyId<'a>,
        subject: PolicyId<'a>,
    ) -> Result<(), TooBig> {
        let parent = self.nodes[any].parent;
        self.add(parent, issuer, subject, false).map(|_| ())
    }

    /// `PolicyNodeImpl.addExpectedPolicy`: the first mapping replaces the original expected set.
    fn add_expected(&mut self, node: usize, policy: PolicyId<'a>) {
        let n = &mut self.nodes[node];
        if n.original_expected {
            n.expected.clear();
            n.original_expected = false;
        }
        if !n.expected.contains(&policy) {
            n.expected.push(policy);
        }
    }

    fn delete(&mut self, node: usize) {
        self.nodes[node].alive = false;
        let parent = self.nodes[node].parent;
        self.nodes[parent].children.retain(|&c| c != node);
    }

    /// `PolicyNodeImpl.prune(depth)`: removes, bottom-up, every node above `depth` left without children.
    fn prune(&mut self, depth: usize) {
        for d in (1..depth).rev() {
            for node in self.alive_at(d) {
                if self.nodes[node].children.is_empty() {
                    self.delete(node);
                }
            }
        }
    }
}

/// A TLV reader: the JDK's `DerValue`/`DerInputStream` (BER lengths, indefinite lengths of constructed
/// values), or strict DER as BoringSSL's `der::Parser` reads it.
struct Reader<'a> {
    data: &'a [u8],
    strict: bool,
}

/// One element: its tag byte and content.
#[derive(Debug, Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
}

const TAG_INTEGER: u8 = 0x02;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], strict: bool) -> Self {
        Reader { data, strict }
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Exactly one element filling `data` (`new DerValue(byte[])`).
    fn single(data: &'a [u8], strict: bool) -> Result<Tlv<'a>, &'static str> {
        let mut r = Reader::new(data, strict);
        let v = r.next()?;
        if !r.is_empty() {
            return Err("extra data at the end");
        }
        Ok(v)
    }

    /// Exactly one SEQUENCE filling `data`: a reader over its content.
    fn sequence(data: &'a [u8], strict: bool) -> Result<Reader<'a>, &'static str> {
        let top = Reader::single(data, strict)?;
        if top.tag != TAG_SEQUENCE {
            return Err("not a SEQUENCE");
        }
        Ok(Reader::new(top.content, strict))
    }

    /// The next element, which must have `tag`.
    fn expect(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], &'static str> {
        let v = self.next()?;
        if v.tag != tag {
            return Err(what);
        }
        Ok(v.content)
    }

    fn next(&mut self) -> Result<Tlv<'a>, &'static str> {
        let (v, used) = Self::element(self.data, self.strict, 0)?;
        self.data = &self.data[used..];
        Ok(v)
    }

    /// Parses one element at the start of `data`: the element and the bytes it used.
    fn element(
        data: &'a [u8],
        strict: bool,
        nesting: u32,
    ) -> Result<(Tlv<'a>, usize), &'static str> {
        if data.len() < 2 {
            return Err("too short");
        }
        let tag = data[0];
        if tag & 0x1f == 0x1f {
            return Err("tag number over 30");
        }
        let first = data[1];
        if first == 0x80 {
            // Indefinite length: BER only, constructed only; the content runs to an end-of-contents.
            if strict {
                return Err("indefinite length");
            }
            if tag & 0x20 == 0 {
                return Err("indefinite length on a primitive value");
            }
            if nesting > 32 {
                return Err("nested too deeply");
            }
            let mut at = 2;
            loop {
                let rest = &data[at..];
                if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                    return Ok((
                        Tlv {
                            tag,
                            content: &data[2..at],
                        },
                        at + 2,
                    ));
                }
                let (_, used) = Self::element(rest, strict, nesting + 1)?;
                at += used;
            }
        }
        let (len, header) = if first & 0x80 == 0 {
            (usize::from(first), 2)
        } else {
            let count = usize::from(first & 0x7f);
            if count > 4 {
                return Err("invalid length");
            }
            if data.len() < 2 + count {
                return Err("not enough length bytes");
            }
            let bytes = &data[2..2 + count];
            let len = bytes.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b));
            if len > i32::MAX as u64 {
                return Err("invalid length");
            }
            if strict && (bytes[0] == 0 || len < 128) {
                return Err("non-minimal length");
            }
            (len as usize, 2 + count)
        };
        let content = data.get(header..header + len).ok_or("not enough content")?;
        Ok((Tlv { tag, content }, header + len))
    }
}

/// The JDK's `ObjectIdentifier` checks on an encoded OID: 1 to 4096 bytes, the last one ending a
/// subidentifier, no subidentifier starting with 0x80.
fn jdk_oid(content: &[u8]) -> Result<&[u8], &'static str> {
    let ok = !content.is_empty()
        && content.len() <= 4096
        && content[content.len() - 1] & 0x80 == 0
        && content
            .iter()
            .enumerate()
            .all(|(i, &b)| b != 0x80 || (i > 0 && content[i - 1] & 0x80 != 0));
    if ok {
        Ok(content)
    } else {
        Err("invalid object identifier")
    }
}

/// The JDK's readers (`sun.security.x509` extension classes).
mod jdk {
    use super::*;

    /// `CertificatePoliciesExtension(Boolean, Object)` with `PolicyInformation(DerValue)` and
    /// `PolicyQualifierInfo(byte[])`.
    pub(super) fn policies(value: &[u8]) -> Result<Vec<PolicyInfo<'_>>, &'static str> {
        let mut r = Reader::sequence(value, false)?;
        let mut out = Vec::new();
        while !r.is_empty() {
            let info = r.expect(TAG_SEQUENCE, "a PolicyInformation is not a SEQUENCE")?;
            let mut f = Reader::new(info, false);
            let policy = jdk_oid(f.expect(TAG_OID, "a policyIdentifier is not an OID")?)?;
            let mut qualifiers = Vec::new();
            if !f.is_empty() {
                // Anything after the qualifiers is not read.
                let seq = f.expect(TAG_SEQUENCE, "policyQualifiers is not a SEQUENCE")?;
                let mut q = Reader::new(seq, false);
                if q.is_empty() {
                    return Err("no data available in policyQualifiers");
                }
                while !q.is_empty() {
                    let pqi = q.expect(TAG_SEQUENCE, "a PolicyQualifierInfo is not a SEQUENCE")?;
                    let mut p = Reader::new(pqi, false);
                    qualifiers.push(jdk_oid(
                        p.expect(TAG_OID, "a policyQualifierId is not an OID")?,
                    )?);
                }
            }
            out.push(PolicyInfo { policy, qualifiers });
        }
        Ok(out)
    }

    /// `PolicyMappingsExtension(Boolean, Object)` with `CertificatePolicyMap(DerValue)`.
    pub(super) fn mappings(
        value: &[u8],
    ) -> Result<Vec<(PolicyId<'_>, PolicyId<'_>)>, &'static str> {
        let mut r = Reader::sequence(value, false)?;
        let mut out = Vec::new();
        while !r.is_empty() {
            let map = r.expect(TAG_SEQUENCE, "a policy mapping is not a SEQUENCE")?;
            let mut f = Reader::new(map, false);
            let issuer = jdk_oid(f.expect(TAG_OID, "issuerDomainPolicy is not an OID")?)?;
            let subject = jdk_oid(f.expect(TAG_OID, "subjectDomainPolicy is not an OID")?)?;
            out.push((issuer, subject));
        }
        Ok(out)
    }

    /// `PolicyConstraintsExtension(Boolean, Object)`: [0] and [1] in any order, each at most once.
    pub(super) fn constraints(value: &[u8]) -> Result<(i64, i64), &'static str> {
        let mut r = Reader::sequence(value, false)?;
        let (mut require, mut inhibit) = (-1, -1);
        while !r.is_empty() {
            let v = r.next()?;
            let slot = match v.tag {
                0x80 => &mut require,
                0x81 => &mut inhibit,
                _ => return Err("invalid encoding of PolicyConstraint"),
            };
            if *slot != -1 {
                return Err("a duplicate field");
            }
            *slot = int(v.content)?;
        }
        Ok((require, inhibit))
    }

    /// `InhibitAnyPolicyExtension(Boolean, Object)`: critical, an INTEGER of at least -1 (-1 reads as
    /// `Integer.MAX_VALUE`).
    pub(super) fn inhibit_any(value: &[u8], critical: bool) -> Result<i64, &'static str> {
        if !critical {
            return Err("criticality cannot be false for InhibitAnyPolicy");
        }
        let v = Reader::single(value, false)?;
        if v.tag != TAG_INTEGER {
            return Err("data not integer");
        }
        match int(v.content)? {
            -1 => Ok(i64::from(i32::MAX)),
            s if s < -1 => Err("invalid value for skipCerts"),
            s => Ok(s),
        }
    }

    /// `DerValue.getInteger` with BER allowed: a two's-complement value within `int`.
    fn int(content: &[u8]) -> Result<i64, &'static str> {
        if content.is_empty() {
            return Err("zero length integer");
        }
        let mut c = content;
        while c.len() > 1 && ((c[0] == 0 && c[1] & 0x80 == 0) || (c[0] == 0xff && c[1] & 0x80 != 0))
        {
            c = &c[1..];
        }
        if c.len() > 4 {
            return Err("integer outside the int range");
        }
        let negative = c[0] & 0x80 != 0;
        let v = c.iter().fold(if negative { -1i64 } else { 0 }, |a, &b| {
            (a << 8) | i64::from(b)
        });
        Ok(v)
    }
}

/// BoringSSL's readers (`pki/certificate_policies.cc`), strict DER.
mod chrome {
    use super::*;

    /// `ParseCertificatePoliciesExtensionOids`: at least one policy, no duplicates, no trailing data;
    /// qualifiers of anyPolicy — of every policy when the extension is critical — only CPS or user notice.
    pub(super) fn policies(
        value: &[u8],
        critical: bool,
    ) -> Result<Vec<PolicyInfo<'_>>, &'static str> {
        let mut r = Reader::sequence(value, true)?;
        if r.is_empty() {
            return Err("no policy");
        }
        let mut out: Vec<PolicyInfo<'_>> = Vec::new();
        while !r.is_empty() {
            let info = r.expect(TAG_SEQUENCE, "a PolicyInformation is not a SEQUENCE")?;
            let mut f = Reader::new(info, true);
            let policy = f.expect(TAG_OID, "a policyIdentifier is not an OID")?;
            let mut qualifiers = Vec::new();
            if !f.is_empty() {
                let seq = f.expect(TAG_SEQUENCE, "policyQualifiers is not a SEQUENCE")?;
                if !f.is_empty() {
                    return Err("trailing data after policyQualifiers");
                }
                let mut q = Reader::new(seq, true);
                if q.is_empty() {
                    return Err("empty policyQualifiers");
                }
                while !q.is_empty() {
                    let pqi = q.expect(TAG_SEQUENCE, "a PolicyQualifierInfo is not a SEQUENCE")?;
                    let mut p = Reader::new(pqi, true);
                    let id = p.expect(TAG_OID, "a policyQualifierId is not an OID")?;
                    p.next().map_err(|_| "a qualifier is missing")?;
                    if !p.is_empty() {
                        return Err("trailing data after a qualifier");
                    }
                    if (critical || policy == ANY_POLICY)
                        && id != QUALIFIER_CPS
                        && id != QUALIFIER_USER_NOTICE
                    {
                        return Err("a policy qualifier other than CPS or user notice");
                    }
                    qualifiers.push(id);
                }
            }
            if out.iter().any(|o| o.policy == policy) {
                return Err("a policy listed twice");
            }
            out.push(PolicyInfo { policy, qualifiers });
        }
        Ok(out)
    }

    /// `ParsePolicyMappings`: at least one mapping of exactly two OIDs.
    pub(super) fn mappings(
        value: &[u8],
    ) -> Result<Vec<(PolicyId<'_>, PolicyId<'_>)>, &'static str> {
        let mut r = Reader::sequence(value, true)?;
        if r.is_empty() {
            return Err("no mapping");
        }
        let mut out = Vec::new();
        while !r.is_empty() {
            let map = r.expect(TAG_SEQUENCE, "a policy mapping is not a SEQUENCE")?;
            let mut f = Reader::new(map, true);
            let issuer = f.expect(TAG_OID, "issuerDomainPolicy is not an OID")?;
            let subject = f.expect(TAG_OID, "subjectDomainPolicy is not an OID")?;
            if !f.is_empty() {
                return Err("trailing data in a mapping");
            }
            out.push((issuer, subject));
        }
        Ok(out)
    }

    /// `ParsePolicyConstraints`: not empty, [0] then [1], each 0..255.
    pub(super) fn constraints(value: &[u8]) -> Result<(i64, i64), &'static str> {
        let mut r = Reader::sequence(value, true)?;
        if r.is_empty() {
            return Err("empty policyConstraints");
        }
        let (mut require, mut inhibit) = (-1, -1);
        let mut v = r.next()?;
        if v.tag == 0x80 {
            require = uint8(v.content)?;
            if r.is_empty() {
                return Ok((require, inhibit));
            }
            v = r.next()?;
        }
        if v.tag != 0x81 {
            return Err("unexpected field");
        }
        inhibit = uint8(v.content)?;
        if !r.is_empty() {
            return Err("trailing data");
        }
        Ok((require, inhibit))
    }

    /// `ParseInhibitAnyPolicy`: an INTEGER 0..255.
    pub(super) fn inhibit_any(value: &[u8]) -> Result<i64, &'static str> {
        let v = Reader::single(value, true)?;
        if v.tag != TAG_INTEGER {
            return Err("not an INTEGER");
        }
        uint8(v.content)
    }

    /// `der::ParseUint8`: a minimally encoded non-negative INTEGER up to 255.
    fn uint8(content: &[u8]) -> Result<i64, &'static str> {
        match content {
            [b] if b & 0x80 == 0 => Ok(i64::from(*b)),
            [0, b] if b & 0x80 != 0 => Ok(i64::from(*b)),
            _ => Err("not an integer in 0..255"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Certificate;
    use crate::chain::algorithms::DisabledAlgorithms;
    use crate::chain::checks::{Rules, check_path};
    use crate::chain::diagnosis::{Anchor, Profile};
    use crate::chain::pool::Origin;
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    };
    use x509_cert::der::asn1::{Ia5String, ObjectIdentifier};
    use x509_cert::der::{Any, Encode};
    use x509_cert::ext::pkix::certpolicy::{PolicyInformation, PolicyQualifierInfo};
    use x509_cert::ext::pkix::{
        CertificatePolicies, InhibitAnyPolicy, PolicyConstraints, PolicyMapping, PolicyMappings,
    };

    /// 2026-01-01T00:00:00Z, inside every test certificate's validity.
    const NOW: i64 = 1_767_225_600;
    const P1: &str = "1.3.6.1.4.1.55555.1";
    const P2: &str = "1.3.6.1.4.1.55555.2";
    const ANY: &str = "2.5.29.32.0";
    const CPS: &str = "1.3.6.1.5.5.7.2.1";

    fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }

    fn ext(arc: &[u64], critical: bool, der: Vec<u8>) -> CustomExtension {
        let mut e = CustomExtension::from_oid_content(arc, der);
        e.set_criticality(critical);
        e
    }

    /// certificatePolicies with these policies, each optionally qualified by `qualifier` (an OID with a
    /// CPS URI as its value).
    fn policies(critical: bool, list: &[(&str, Option<&str>)]) -> CustomExtension {
        let infos = list
            .iter()
            .map(|(p, q)| PolicyInformation {
                policy_identifier: oid(p),
                policy_qualifiers: q.map(|q| {
                    vec![PolicyQualifierInfo {
                        policy_qualifier_id: oid(q),
                        qualifier: Some(
                            Any::encode_from(&Ia5String::new("https://cps.example.test").unwrap())
                                .unwrap(),
                        ),
                    }]
                }),
            })
            .collect();
        ext(
            &[2, 5, 29, 32],
            critical,
            CertificatePolicies(infos).to_der().unwrap(),
        )
    }

    fn cp(list: &[&str]) -> CustomExtension {
        let list: Vec<(&str, Option<&str>)> = list.iter().map(|p| (*p, None)).collect();
        policies(false, &list)
    }

    fn mappings(pairs: &[(&str, &str)]) -> CustomExtension {
        let maps = pairs
            .iter()
            .map(|(i, s)| PolicyMapping {
                issuer_domain_policy: oid(i),
                subject_domain_policy: oid(s),
            })
            .collect();
        ext(
            &[2, 5, 29, 33],
            true,
            PolicyMappings(maps).to_der().unwrap(),
        )
    }

    fn constraints(require: Option<u32>, inhibit: Option<u32>) -> CustomExtension {
        let pc = PolicyConstraints {
            require_explicit_policy: require,
            inhibit_policy_mapping: inhibit,
        };
        ext(&[2, 5, 29, 36], true, pc.to_der().unwrap())
    }

    fn inhibit_any(skip: u32, critical: bool) -> CustomExtension {
        ext(
            &[2, 5, 29, 54],
            critical,
            InhibitAnyPolicy(skip).to_der().unwrap(),
        )
    }

    fn params(cn: &str, ca: bool, exts: &[CustomExtension]) -> CertificateParams {
        let mut p = CertificateParams::new(vec!["www.example.test".to_owned()]).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        p.custom_extensions = exts.to_vec();
        p
    }

    /// A chain root → CA 1 → … → leaf, each certificate with its extensions (`levels[0]` is the root,
    /// the last the leaf); returned leaf first, the root last.
    fn chain(levels: &[Vec<CustomExtension>]) -> Vec<Certificate> {
        let keys: Vec<KeyPair> = levels
            .iter()
            .map(|_| KeyPair::generate().unwrap())
            .collect();
        let last = levels.len() - 1;
        let name = |i: usize| match i {
            0 => "Policy Root".to_owned(),
            i if i == last => "leaf".to_owned(),
            i => format!("Policy CA {i}"),
        };
        let mut out = Vec::new();
        for (i, exts) in levels.iter().enumerate() {
            let p = params(&name(i), i < last, exts);
            let der = if i == 0 {
                p.self_signed(&keys[0]).unwrap()
            } else {
                let issuer = Issuer::new(params(&name(i - 1), true, &levels[i - 1]), &keys[i - 1]);
                p.signed_by(&keys[i], &issuer).unwrap()
            };
            out.push(Certificate::from_der(der.der().to_vec()).unwrap());
        }
        out.reverse();
        out
    }

    /// The policy problems `profile` finds on `certs` (leaf first, the anchor last).
    fn judge(certs: &[Certificate], profile: Profile) -> Vec<Problem> {
        let anchor = Anchor {
            cert: certs[certs.len() - 1].clone(),
            store: "test".into(),
            alias: "root".into(),
            jdk_bundled: false,
        };
        let mut pool = Pool::new();
        let mut path = Vec::new();
        for (i, c) in certs[..certs.len() - 1].iter().enumerate() {
            path.push(pool.add(c, Origin::Served(i), None).unwrap());
        }
        path.push(
            pool.add(&anchor.cert, Origin::Anchor(0), Some(&anchor))
                .unwrap(),
        );
        let disabled = DisabledAlgorithms::jdk17_default();
        let rules = Rules {
            profile,
            now: NOW,
            disabled: &disabled,
            java: crate::cert::jdk::JavaVersion::newest(17),
            tls: (crate::chain::TlsVersion::Tls13, true),
        };
        let problems = check_path(&pool, &path, &rules);
        let (policy, other): (Vec<Problem>, Vec<Problem>) = problems.into_iter().partition(|p| {
            p.code == Code::PolicyViolation
                || (p.code == Code::InvalidChain
                    && (p.message.contains("polic") || p.message.contains("Polic")))
        });
        assert!(
            other.iter().all(|p| !p.fatal),
            "unexpected problems: {other:?}"
        );
        policy
    }

    fn java(certs: &[Certificate]) -> Vec<Problem> {
        judge(certs, Profile::Java)
    }

    fn browser(certs: &[Certificate]) -> Vec<Problem> {
        judge(certs, Profile::Browser)
    }

    #[test]
    fn a_path_with_ordinary_policies_passes_both_profiles() {
        let certs = chain(&[vec![], vec![cp(&[ANY])], vec![cp(&[P1])], vec![cp(&[P1])]]);
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs), vec![]);
        let none = chain(&[vec![], vec![], vec![]]);
        assert_eq!(java(&none), vec![]);
        assert_eq!(browser(&none), vec![]);
    }

    #[test]
    fn require_explicit_policy_refuses_a_leaf_without_policies() {
        let certs = chain(&[vec![], vec![cp(&[P1]), constraints(Some(0), None)], vec![]]);
        let p = java(&certs);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::PolicyViolation);
        assert_eq!(p[0].pos, 0);
        assert_eq!(p[0].rule, Some("PolicyChecker: requireExplicitPolicy"));
        assert!(
            p[0].message
                .contains("'leaf' has no certificatePolicies extension"),
            "{}",
            p[0].message
        );
        assert!(p[0].message.contains("'Policy CA 1'"), "{}", p[0].message);
        assert_eq!(browser(&certs).len(), 1);
    }

    #[test]
    fn require_explicit_policy_refuses_a_policy_the_cas_do_not_assert() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), None)],
            vec![cp(&[P2])],
        ]);
        let p = java(&certs);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains(P2), "{}", p[0].message);
        let fixed = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), None)],
            vec![cp(&[P1])],
        ]);
        assert_eq!(java(&fixed), vec![]);
    }

    #[test]
    fn the_diagnosis_reports_a_policy_violation_naming_the_jdk_rule() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), None)],
            vec![cp(&[P2])],
        ]);
        let anchor = Anchor {
            cert: certs[2].clone(),
            store: "test.p12".into(),
            alias: "root".into(),
            jdk_bundled: false,
        };
        let anchors = crate::chain::TrustAnchors::new(vec![anchor.clone()], vec![anchor]);
        let input = crate::chain::ChainInput {
            served: certs[..2].to_vec(),
            host: None,
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let d = crate::chain::diagnose(&input, &anchors, &crate::chain::Policy::default(), NOW);
        assert!(!d.trusted);
        let reason = d.java.reason.unwrap();
        assert!(
            reason.ends_with("(JDK: PolicyChecker: requireExplicitPolicy)"),
            "{reason}"
        );
        assert!(!d.browser.trusted);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == Code::PolicyViolation)
            .expect("a policy-violation finding");
        assert_eq!(f.severity, crate::finding::Severity::Error);
        assert_eq!(f.cert, Some(0));
        assert!(
            f.remediation.contains("reissue 'leaf'"),
            "{}",
            f.remediation
        );
    }

    #[test]
    fn require_explicit_policy_skips_as_many_certificates_as_it_says() {
        // CA 1 → CA 2 → leaf without policies: the wrap-up counts the leaf too (RFC 5280 6.1.5 (a)).
        let with = |skip: u32| {
            chain(&[
                vec![],
                vec![cp(&[P1]), constraints(Some(skip), None)],
                vec![cp(&[P1])],
                vec![],
            ])
        };
        assert_eq!(java(&with(2)).len(), 1);
        assert_eq!(browser(&with(2)).len(), 1);
        assert_eq!(java(&with(3)), vec![]);
        assert_eq!(browser(&with(3)), vec![]);
    }

    #[test]
    fn the_anchors_own_policy_constraints_are_not_applied() {
        let certs = chain(&[
            vec![constraints(Some(0), Some(0)), inhibit_any(0, true)],
            vec![],
            vec![],
        ]);
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs), vec![]);
    }

    #[test]
    fn a_mapping_carries_a_policy_into_the_subject_domain() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), None)],
            vec![cp(&[P1]), mappings(&[(P1, P2)])],
            vec![cp(&[P2])],
        ]);
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs), vec![]);
    }

    #[test]
    fn inhibit_policy_mapping_deletes_the_mapped_policy() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), Some(0))],
            vec![cp(&[P1]), mappings(&[(P1, P2)])],
            vec![cp(&[P2])],
        ]);
        let p = java(&certs);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].pos, 1, "the mapping CA empties the tree");
        assert!(
            p[0].message.contains("policy mapping is inhibited"),
            "{}",
            p[0].message
        );
        assert_eq!(browser(&certs).len(), 1);
        // inhibitPolicyMapping=1 lets the next CA map.
        let later = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), Some(1))],
            vec![cp(&[P1]), mappings(&[(P1, P2)])],
            vec![cp(&[P2])],
        ]);
        assert_eq!(java(&later), vec![]);
    }

    #[test]
    fn inhibit_any_policy_stops_any_policy_from_matching() {
        let certs = |critical: bool| {
            chain(&[
                vec![],
                vec![
                    cp(&[ANY]),
                    constraints(Some(0), None),
                    inhibit_any(0, critical),
                ],
                vec![cp(&[ANY])],
                vec![cp(&[P1])],
            ])
        };
        let p = java(&certs(true));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].pos, 1);
        assert!(
            p[0].message.contains("anyPolicy no longer matches"),
            "{}",
            p[0].message
        );
        assert_eq!(browser(&certs(true)).len(), 1);
        // The JDK cannot parse a non-critical inhibitAnyPolicy and leaves it aside; Chrome applies it.
        assert_eq!(java(&certs(false)), vec![]);
        assert_eq!(browser(&certs(false)).len(), 1);
    }

    #[test]
    fn a_self_issued_ca_may_still_use_any_policy_and_does_not_count() {
        // A self-issued intermediate (same name as its issuer) is not counted and keeps anyPolicy.
        let keys: Vec<KeyPair> = (0..4).map(|_| KeyPair::generate().unwrap()).collect();
        let root_p = params("Policy Root", true, &[]);
        let ca_exts = vec![cp(&[ANY]), constraints(Some(0), None), inhibit_any(0, true)];
        let ca = params("Policy CA", true, &ca_exts);
        let rollover = params("Policy CA", true, &[cp(&[ANY])]);
        let leaf = params("leaf", false, &[cp(&[P1])]);
        let root_der = root_p.self_signed(&keys[0]).unwrap();
        let ca_der = ca
            .signed_by(
                &keys[1],
                &Issuer::new(params("Policy Root", true, &[]), &keys[0]),
            )
            .unwrap();
        let rollover_der = rollover
            .signed_by(
                &keys[2],
                &Issuer::new(params("Policy CA", true, &ca_exts), &keys[1]),
            )
            .unwrap();
        let leaf_der = leaf
            .signed_by(
                &keys[3],
                &Issuer::new(params("Policy CA", true, &[cp(&[ANY])]), &keys[2]),
            )
            .unwrap();
        let certs: Vec<Certificate> = [leaf_der, rollover_der, ca_der, root_der]
            .iter()
            .map(|c| Certificate::from_der(c.der().to_vec()).unwrap())
            .collect();
        // The self-issued CA's anyPolicy still matches; the leaf's P1 then hangs under anyPolicy. But
        // inhibit_anyPolicy is 0 at the leaf, whose P1 is explicit: the path is valid.
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs), vec![]);
    }

    #[test]
    fn any_policy_in_a_mapping_is_refused_while_the_tree_is_not_empty() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1])],
            vec![cp(&[P1]), mappings(&[(ANY, P2)])],
            vec![cp(&[P2])],
        ]);
        let p = java(&certs);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].pos, 1);
        assert_eq!(p[0].rule, Some("PolicyChecker: policyMappings"));
        assert_eq!(browser(&certs).len(), 1);
        // The JDK no longer looks once the tree is empty (CA 1 asserts no policy); Chrome still refuses.
        let empty = chain(&[
            vec![],
            vec![],
            vec![cp(&[P1]), mappings(&[(P1, ANY)])],
            vec![],
        ]);
        assert_eq!(java(&empty), vec![]);
        assert_eq!(browser(&empty).len(), 1);
    }

    #[test]
    fn a_mapping_in_the_leaf_is_not_processed() {
        let certs = chain(&[
            vec![],
            vec![cp(&[P1])],
            vec![cp(&[P1]), mappings(&[(ANY, P2)])],
        ]);
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs), vec![]);
    }

    #[test]
    fn qualifiers_in_a_critical_policies_extension_are_refused_by_the_jvm_only() {
        let certs = |qualifier: &'static str, policy: &'static str| {
            chain(&[
                vec![],
                vec![policies(true, &[(policy, Some(qualifier))])],
                vec![cp(&[P1])],
            ])
        };
        let p = java(&certs(CPS, P1));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].rule, Some("PolicyChecker: critical policy qualifiers"));
        assert_eq!(
            browser(&certs(CPS, P1)),
            vec![],
            "Chrome understands CPS qualifiers"
        );
        // An unknown qualifier: Chrome cannot interpret the critical extension.
        let p = browser(&certs("1.2.3.4", P1));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::InvalidChain);
        // Qualifiers on anyPolicy are not looked at by the JDK.
        assert_eq!(java(&certs(CPS, ANY)), vec![]);
        // Non-critical, qualifiers are fine for both.
        let plain = chain(&[
            vec![],
            vec![policies(false, &[(P1, Some(CPS))])],
            vec![cp(&[P1])],
        ]);
        assert_eq!(java(&plain), vec![]);
        assert_eq!(browser(&plain), vec![]);
    }

    #[test]
    fn a_malformed_policy_extension_counts_only_when_critical_for_the_jvm() {
        // certificatePolicies whose one entry lacks its OID.
        let bad = |critical: bool| ext(&[2, 5, 29, 32], critical, vec![0x30, 0x02, 0x30, 0x00]);
        let noncritical = chain(&[vec![], vec![bad(false)], vec![]]);
        assert_eq!(java(&noncritical), vec![]);
        let p = browser(&noncritical);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::InvalidChain);
        let critical = chain(&[vec![], vec![bad(true)], vec![]]);
        let p = java(&critical);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::InvalidChain);
        assert_eq!(p[0].rule, Some("CertificatePoliciesExtension"));
    }

    #[test]
    fn the_jdk_reads_ber_lengths_and_empty_lists_that_chrome_refuses() {
        // policyConstraints { requireExplicitPolicy [0] 0 } with a long-form length of 1.
        let ber = ext(
            &[2, 5, 29, 36],
            true,
            vec![0x30, 0x81, 0x03, 0x80, 0x01, 0x00],
        );
        let certs = chain(&[vec![], vec![cp(&[P1]), ber], vec![]]);
        assert_eq!(java(&certs)[0].code, Code::PolicyViolation);
        assert_eq!(browser(&certs)[0].code, Code::InvalidChain);
        // An empty certificatePolicies: a valid extension with no policy for the JDK.
        let empty = ext(&[2, 5, 29, 32], false, vec![0x30, 0x00]);
        let certs = chain(&[
            vec![],
            vec![cp(&[P1]), constraints(Some(0), None)],
            vec![empty],
        ]);
        assert_eq!(java(&certs)[0].code, Code::PolicyViolation);
        assert_eq!(browser(&certs)[0].code, Code::InvalidChain);
    }

    #[test]
    fn skip_certs_of_minus_one_reads_as_unlimited_for_the_jdk() {
        let minus_one = ext(&[2, 5, 29, 54], true, vec![0x02, 0x01, 0xff]);
        let certs = chain(&[
            vec![],
            vec![cp(&[ANY]), constraints(Some(0), None), minus_one],
            vec![cp(&[ANY])],
            vec![cp(&[P1])],
        ]);
        assert_eq!(java(&certs), vec![]);
        assert_eq!(browser(&certs)[0].code, Code::InvalidChain);
    }

    #[test]
    fn mappings_that_fan_out_at_every_level_stop_at_the_node_limit() {
        // Each CA maps 40 policies onto one and back: the tree multiplies by 40 every two levels.
        let ps: Vec<String> = (0..40)
            .map(|i| format!("1.3.6.1.4.1.55555.9.{i}"))
            .collect();
        let q = "1.3.6.1.4.1.55555.8";
        let all: Vec<&str> = ps.iter().map(String::as_str).collect();
        let onto: Vec<(&str, &str)> = all.iter().map(|p| (*p, q)).collect();
        let back: Vec<(&str, &str)> = all.iter().map(|p| (q, *p)).collect();
        let certs = chain(&[
            vec![],
            vec![cp(&all), mappings(&onto)],
            vec![cp(&[q]), mappings(&back)],
            vec![cp(&all), mappings(&onto)],
            vec![cp(&[q]), mappings(&back)],
            vec![cp(&all)],
        ]);
        let p = java(&certs);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, Code::InvalidChain);
        assert!(p[0].message.contains("65536"), "{}", p[0].message);
    }

    #[test]
    fn only_rule_carrying_extensions_make_a_certificate_need_the_tree() {
        let with = |exts: Vec<CustomExtension>| {
            let c = chain(&[vec![], exts]);
            c[0].parsed().map(|p| has_rules(&p)).unwrap()
        };
        assert!(!with(vec![cp(&[P1])]));
        assert!(!with(vec![inhibit_any(0, false)]));
        assert!(with(vec![inhibit_any(0, true)]));
        assert!(with(vec![policies(true, &[(P1, None)])]));
        assert!(with(vec![constraints(Some(3), None)]));
        assert!(with(vec![mappings(&[(P1, P2)])]));
    }

    #[test]
    fn the_ber_reader_follows_the_jdk_and_the_der_reader_boringssl() {
        // Indefinite length (constructed), then end-of-contents.
        let indefinite = [0x30, 0x80, 0x06, 0x01, 0x2a, 0x00, 0x00];
        let v = Reader::single(&indefinite, false).unwrap();
        assert_eq!(v.content, &[0x06, 0x01, 0x2a]);
        assert!(Reader::single(&indefinite, true).is_err());
        assert!(Reader::single(&[0x04, 0x80, 0x00, 0x00], false).is_err());
        assert!(
            Reader::single(&[0x30, 0x00, 0x00], false).is_err(),
            "extra data"
        );
        assert!(
            Reader::single(&[0x1f, 0x01, 0x00], false).is_err(),
            "high tag number"
        );
        assert!(
            Reader::single(&[0x30, 0x85, 0, 0, 0, 0, 0], false).is_err(),
            "5 length bytes"
        );
        assert!(
            jdk_oid(&[0x2a, 0x80, 0x01]).is_err(),
            "a subidentifier starting with 0x80"
        );
        assert!(jdk_oid(&[0x2a, 0x81]).is_err(), "unterminated");
        assert!(jdk_oid(&[0x2a, 0x81, 0x80, 0x01]).is_ok());
    }
}
