//! Certificates as the JVM reads them: the JDK's X.509 parser model against the real parser of every
//! installed JDK, and what the JVM (and trustpath) do with a certificate that parser refuses.

mod jdk_parse;
mod jvm_unparseable;
