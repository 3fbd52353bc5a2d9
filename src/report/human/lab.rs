//! `trustpath gen` and `trustpath serve` for people: files written, scenarios, the listening banner and
//! the closing counters.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;

use super::Human;
use crate::pki::lab::LabFile;
use crate::pki::scenario::ScenarioInfo;
use crate::serve::ServeStats;

impl<W: Write> Human<W> {
    /// `gen …`: the files written, private ones marked, and where the lab README is.
    pub fn lab_written(
        &mut self,
        dir: &Path,
        files: &[LabFile],
        readme: Option<&Path>,
    ) -> io::Result<()> {
        written(&mut self.out, dir, files, readme)?;
        self.out.flush()
    }

    /// `serve --list-scenarios`: one line each.
    pub fn scenarios(&mut self, list: &[ScenarioInfo]) -> io::Result<()> {
        scenarios(&mut self.out, list)?;
        self.out.flush()
    }

    /// `serve`: the first line is `listening on ADDR:PORT` (scripts read it), then notes, flushed at once.
    pub fn listening(&mut self, addr: SocketAddr, notes: &[String]) -> io::Result<()> {
        listening(&mut self.out, addr, notes)
    }

    /// `serve`: what happened, when it stops.
    pub fn stopped(&mut self, stats: &ServeStats) -> io::Result<()> {
        stopped(&mut self.out, stats)?;
        self.out.flush()
    }
}

/// `gen …`: the files written, private ones marked, and where the lab README is.
fn written(
    w: &mut dyn Write,
    dir: &Path,
    files: &[LabFile],
    readme: Option<&Path>,
) -> io::Result<()> {
    writeln!(w, "wrote {} files to {}:", files.len(), dir.display())?;
    for f in files {
        let note = if f.secret {
            "  (private, mode 0600)"
        } else {
            ""
        };
        writeln!(w, "  {}{note}", f.name)?;
    }
    if let Some(readme) = readme {
        writeln!(w, "see {} for which file goes where", readme.display())?;
    }
    Ok(())
}

/// `serve --list-scenarios`: one line each.
fn scenarios(w: &mut dyn Write, list: &[ScenarioInfo]) -> io::Result<()> {
    let width = list.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in list {
        writeln!(w, "{:width$}  {}", s.name, s.summary)?;
    }
    Ok(())
}

/// `serve`: the first line is `listening on ADDR:PORT` (scripts read it), then notes. Written in one call
/// and flushed, so a reader that stops after the first line still gets it whole.
fn listening(w: &mut dyn Write, addr: SocketAddr, notes: &[String]) -> io::Result<()> {
    let mut banner = format!("listening on {addr}\n");
    for n in notes {
        banner.push_str(n);
        banner.push('\n');
    }
    w.write_all(banner.as_bytes())?;
    w.flush()
}

/// `serve`: what happened, when it stops.
fn stopped(w: &mut dyn Write, stats: &ServeStats) -> io::Result<()> {
    writeln!(
        w,
        "stopped after {} connection(s): {} page(s), {} websocket(s), {} failed handshake(s)",
        stats.connections, stats.pages, stats.websockets, stats.handshake_failures
    )
}
