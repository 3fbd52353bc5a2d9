//! Java truststores: `trustpath store`, the codecs against keytool and the JVM, and hostile input.

mod cli;
mod jceks;
mod jks;
mod keytool;
mod kill;
mod pkcs12;
mod pkcs12_robustness;
mod robustness;
mod safety;
mod typos;
