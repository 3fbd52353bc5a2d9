//! Placeholder: conversions between PKCS#8 and the JKS key protector (being written).
