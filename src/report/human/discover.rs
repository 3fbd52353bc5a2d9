//! `trustpath discover` for people: the deployment file itself on stdout, or one line naming the file it
//! was written to.

use std::io::{self, Write};
use std::path::Path;

use super::Human;

impl<W: Write> Human<W> {
    /// The deployment file's text, as it is.
    pub fn discovered(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// Where the deployment file was written and what to do next.
    pub fn discovered_written(&mut self, path: &Path) -> io::Result<()> {
        writeln!(
            self.out,
            "wrote {0}; review it (lines marked EDIT first), then run: trustpath check {0}",
            path.display()
        )?;
        self.out.flush()
    }
}
