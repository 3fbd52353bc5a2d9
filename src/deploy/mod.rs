//! Deployment checks: the app, its proxy, its real-time-collaboration port, its nodes and its
//! authentication proxy judged as one system.
//!
//! [`model`] is the deployment file. [`cross`] derives the findings that need several endpoints at once
//! (mixed schemes, names not covered, the app's JVM not trusting its own public URL, chains compared).
//! [`web`] judges HTTP and WebSocket exchanges (redirects to a login host, insecure session cookies,
//! failed upgrades). All three are pure; `cmd::check` does the I/O.

pub mod cross;
pub mod model;
pub mod web;

pub use model::{Deployment, Endpoint, EndpointUrl, Role, Scheme};
