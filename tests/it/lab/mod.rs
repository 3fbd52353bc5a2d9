//! Lab PKIs and fault servers: `trustpath gen`, `serve` with its scenarios, and the demo.

mod demo;
mod generate;
mod refusals;
mod serve_probe;
mod serve_scenarios;
mod suggestions;
