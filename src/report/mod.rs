//! All output: every byte trustpath prints to stdout comes from here. Logic builds data; `report` formats
//! it for people (aligned text, colour on a terminal, `NO_COLOR` honoured) or as JSON.

pub mod store;
