//! Fuzzes the PKCS#12 reader, the one hand-written BER parser left (indefinite lengths, constructed OCTET
//! STRINGs, nesting): any input must give a store or an error, never a panic, a hang or a giant
//! allocation. Reads with a password and with none (a password-less store reads with any); a store that
//! reads is written back under the same password and must read again with the same entries.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustpath::truststore::pkcs12;

fuzz_target!(|data: &[u8]| {
    for password in ["changeit", ""] {
        let Ok(store) = pkcs12::read(data, password) else {
            continue;
        };
        // Writing may refuse (aliases that differ only in case, keys without a password); what it writes
        // must read back.
        if let Ok(bytes) = pkcs12::write(&store, password) {
            let back = pkcs12::read(&bytes, password).expect("trustpath reads what it wrote");
            assert_eq!(back.entries.len(), store.entries.len());
        }
    }
});
