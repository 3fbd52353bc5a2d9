//! Output of `trustpath discover`: the deployment file itself on stdout, or one line naming the file
//! it was written to.

use std::io::{self, Write};
use std::path::Path;

/// Writes the deployment file's text as it is.
pub fn file(w: &mut dyn Write, text: &str) -> io::Result<()> {
    w.write_all(text.as_bytes())?;
    w.flush()
}

/// Says where the deployment file was written and what to do next.
pub fn wrote(w: &mut dyn Write, path: &Path) -> io::Result<()> {
    writeln!(
        w,
        "wrote {0}; review it (lines marked EDIT first), then run: trustpath check {0}",
        path.display()
    )?;
    w.flush()
}
