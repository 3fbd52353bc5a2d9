//! Deployment checks: the app, its proxy, its real-time-collaboration port, its nodes and its
//! authentication proxy judged as one system.
//!
//! [`model`] is the deployment file. [`cross`] derives the findings that need several endpoints at once
//! (mixed schemes, names not covered, the app's JVM not trusting its own public URL, chains compared).
//! [`web`] makes the HTTP requests and WebSocket upgrades over connections it is handed (an
//! [`web::Opener`] that `cmd::check` builds on the prober: no sockets are opened here) and judges what
//! came back (redirects to a login host, insecure session cookies, failed upgrades). The judgements,
//! like `model` and `cross`, are pure.

pub mod cross;
pub mod model;
pub mod web;

pub use model::{Deployment, Endpoint, EndpointUrl, Role, Scheme};
