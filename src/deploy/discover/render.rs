//! The discovered deployment as commented TOML, written with `toml_edit`: the values are TOML items, and
//! every comment (where an item came from, what to edit, the commented-out `[jvm]` and `/status` check)
//! is the decoration of the item it stands above, so the text stays valid whatever the values hold.

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value, value};

use super::Plan;
use crate::config::ConfigFiles;

/// The commented-out `[jvm]` section, with the lines saying why.
/// How to add the app's own outbound connections (no server configuration names them: the directory,
/// mail and database settings live in the app's database and admin screens).
const OUTBOUND_COMMENT: &str = "\
\n# The app's own outbound connections, judged with the app JVM's truststore and reported by
# check under \"the app's outbound connections\". Add those the app makes (its user directory,
# mail servers, database, other HTTPS services); uncomment and edit:
# [[endpoint]]
# name = \"directory\"
# role = \"ldap\"
# url = \"ldaps://dir.example.com:636\"   # or ldap://HOST:389 when the directory uses StartTLS
# [[endpoint]]
# name = \"mail\"
# role = \"mail\"
# url = \"smtp://mail.example.com:587\"   # STARTTLS; smtps://, imap://, imaps://, pop3://, pop3s://
# [[endpoint]]
# name = \"db\"
# role = \"db\"
# url = \"postgres://db.example.com:5432\"
# [[endpoint]]
# name = \"jira\"
# role = \"outbound\"
# url = \"https://jira.example.com/\"     # through [jvm] proxy unless non_proxy_hosts excepts it
";

const JVM_COMMENT: &str = "\
# The app's JVM: the truststore it uses to call itself back through the proxy, the
# Synchrony service and other HTTPS services. Uncomment one line (its java_home's cacerts,
# or the file named by -Djavax.net.ssl.trustStore):
# [jvm]
# java_home = \"/opt/atlassian/confluence/jre\"
# truststore = \"/opt/atlassian/confluence/truststore.jks\"
# storepass_env = \"TRUSTSTORE_PASSWORD\"
# proxy = \"proxy.example.com:3128\"   # -Dhttps.proxyHost:-Dhttps.proxyPort, for outbound HTTPS
";

/// How the header names the file when it is printed (the user chooses where it goes).
pub(super) const THIS_FILE: &str = "THIS_FILE";

/// Comment lines, each `# line`.
fn comments<'a>(lines: impl IntoIterator<Item = &'a String>, indent: &str) -> String {
    lines
        .into_iter()
        .map(|l| format!("{indent}# {l}\n"))
        .collect()
}

/// The deployment file's text.
pub(super) fn text(plan: &Plan, name: &str, spec: &ConfigFiles) -> String {
    let files = [
        ("tomcat", &spec.tomcat),
        ("nginx", &spec.nginx),
        ("apache", &spec.apache),
    ];
    let mut header = String::from("# Deployment file written by `trustpath discover` from:\n");
    for (kind, path) in files {
        if let Some(p) = path {
            header.push_str(&format!("#   {kind:<7}{}\n", p.display()));
        }
    }
    header.push_str(
        "# Each item says where it came from. Review it, fix lines marked EDIT, then run\n",
    );
    header.push_str(&format!("#   trustpath check {THIS_FILE}\n"));
    header.push_str(&comments(&plan.header, ""));
    header.push('\n');

    let mut doc = DocumentMut::new();
    let root = doc.as_table_mut();
    root.insert("name", value(name));
    decorate_key(root, "name", header);

    if let Some((product, why)) = &plan.product {
        root.insert("product", value(<&str>::from(*product)));
        decorate_key(
            root,
            "product",
            format!("\n# {why}: check adds Confluence's Synchrony diagnostics.\n"),
        );
    }

    let mut names = Array::new();
    for (i, (n, _)) in plan.public_names.iter().enumerate() {
        let mut v = Value::from(n.as_str());
        let before = match i.checked_sub(1) {
            Some(previous) => format!(" # {}\n    ", plan.public_names[previous].1),
            None => "\n    ".to_owned(),
        };
        v.decor_mut().set_prefix(before);
        v.decor_mut().set_suffix("");
        names.push_formatted(v);
    }
    let names_comment = match plan.public_names.last() {
        Some((_, why)) => {
            names.set_trailing_comma(true);
            names.set_trailing(format!(" # {why}\n"));
            "\n# The names users type; every certificate users see must cover them.\n"
        }
        None => "\n# EDIT: no configuration names the host users type; add it here.\n",
    };
    root.insert("public_names", value(names));
    decorate_key(root, "public_names", names_comment.to_owned());

    let mut configs = Table::new();
    for (kind, path) in files {
        if let Some(p) = path {
            configs.insert(kind, value(p.display().to_string()));
        }
    }
    let offline = "# Configuration files checked offline by `trustpath check`.\n";
    match &plan.jvm {
        Some(jvm)
            if jvm.truststore.is_some()
                || jvm.java_home.is_some()
                || jvm.proxy.is_some()
                || jvm.enable_aia.is_some() =>
        {
            let mut table = Table::new();
            table.decor_mut().set_prefix(
                "\n# The app's JVM as its start script and install say: the truststore it uses to call\n# itself back through the proxy, the Synchrony service and other HTTPS services.\n",
            );
            for (key, found) in [
                ("truststore", &jvm.truststore),
                ("java_home", &jvm.java_home),
                ("proxy", &jvm.proxy),
                ("non_proxy_hosts", &jvm.non_proxy_hosts),
            ] {
                if let Some((v, why)) = found {
                    table.insert(key, value(v.as_str()));
                    decorate_key(&mut table, key, format!("# {why}\n"));
                }
            }
            if let Some(why) = &jvm.enable_aia {
                table.insert("enable_aia", value(true));
                decorate_key(&mut table, "enable_aia", format!("# {why}\n"));
            }
            if let Some((v, why)) = &jvm.aia_locations {
                table.insert("aia_locations", value(v.as_str()));
                decorate_key(&mut table, "aia_locations", format!("# {why}\n"));
            }
            root.insert("jvm", Item::Table(table));
            configs
                .decor_mut()
                .set_prefix(format!("{}\n{offline}", comments(&jvm.notes, "")));
        }
        Some(jvm) => configs.decor_mut().set_prefix(format!(
            "\n{JVM_COMMENT}{}\n{offline}",
            comments(&jvm.notes, "")
        )),
        None => configs
            .decor_mut()
            .set_prefix(format!("\n{JVM_COMMENT}\n{offline}")),
    }
    root.insert("configs", Item::Table(configs));
    if let Some((url, why)) = &plan.synchrony_service {
        let mut table = Table::new();
        table.insert("service_url", value(url.as_str()));
        decorate_key(&mut table, "service_url", format!("# {why}\n"));
        table.decor_mut().set_prefix("\n");
        root.insert("synchrony", Item::Table(table));
    }

    let mut endpoints = ArrayOfTables::new();
    // Lines written after an endpoint (its commented-out checks) stand before what follows it.
    let mut pending = String::new();
    for e in &plan.endpoints {
        let s = &e.spec;
        let mut t = Table::new();
        t.decor_mut()
            .set_prefix(format!("{pending}\n{}", comments(&e.comments, "")));
        t.insert("name", value(s.name.as_str()));
        t.insert("role", value(s.role.name()));
        t.insert("url", value(s.url.as_str()));
        if let Some(c) = &s.connect {
            t.insert("connect", value(c.as_str()));
        }
        if !s.http.is_empty() {
            let mut checks = ArrayOfTables::new();
            for h in &s.http {
                let mut check = Table::new();
                check.decor_mut().set_prefix("  ");
                if let Some(p) = &h.path {
                    check.insert("path", value(p.as_str()));
                    decorate_key(&mut check, "path", "  ".to_owned());
                }
                if let Some(status) = h.expect_status {
                    check.insert("expect_status", value(i64::from(status)));
                    decorate_key(&mut check, "expect_status", "  ".to_owned());
                }
                if let Some(follow) = h.follow_redirects {
                    check.insert("follow_redirects", value(follow));
                    decorate_key(&mut check, "follow_redirects", "  ".to_owned());
                }
                checks.push(check);
            }
            t.insert("http", Item::ArrayOfTables(checks));
        }
        endpoints.push(t);
        pending = comments(&e.trailer, "  ");
    }
    root.insert("endpoint", Item::ArrayOfTables(endpoints));
    doc.set_trailing(format!("{pending}{OUTBOUND_COMMENT}"));
    doc.to_string()
}

/// Writes `prefix` (comment lines, blank lines) above the key `key` of `table`.
fn decorate_key(table: &mut Table, key: &str, prefix: String) {
    if let Some(mut k) = table.key_mut(key) {
        k.leaf_decor_mut().set_prefix(prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model::DeploymentFile;

    #[test]
    fn values_that_need_escaping_read_back_as_written() {
        let odd = "a\"b\\c\n\u{7}";
        let plan = Plan {
            public_names: vec![(odd.to_owned(), "from # a comment".to_owned())],
            ..Plan::default()
        };
        let text = text(&plan, odd, &ConfigFiles::default());
        let back: DeploymentFile = toml::from_str(&text).unwrap();
        assert_eq!(back.name.as_deref(), Some(odd));
        assert_eq!(back.public_names, [odd]);
    }
}
