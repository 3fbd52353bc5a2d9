//! Deployment checks: the app, its proxy, its real-time-collaboration port, its nodes and its
//! authentication proxy judged as one system.
//!
//! [`model`] is the deployment file; [`discover`] writes one from the server configurations `config`
//! reads. [`check`] runs the pipeline: [`observe`] connects to every endpoint
//! through `probe` (the only I/O here besides reading the file), makes the HTTP requests and WebSocket
//! upgrades of [`web`] over those connections, and asks the app's address for the public names; then the
//! pure steps judge: `judge` the chains, [`web`] the exchanges (redirects to a login host, insecure
//! session cookies, failed upgrades), [`cross`] what needs several endpoints at once (mixed schemes, names
//! not covered, the app's JVM not trusting its own public URL, chains compared), and [`assemble`] joins
//! them into the [`run::DeploymentRun`] that `report` prints; for `product = "confluence"`, [`synchrony`]
//! reads Confluence's own Synchrony diagnostics with the rest, and [`sso`] judges the single-sign-on
//! cookie's scope across every host that set it, [`rtc`] an RTC port's layout against the app's,
//! [`forwarded`] what reached the app through the proxy (from an answer listing the headers received);
//! [`outbound`] observes the app's own connections out (LDAP, mail, database, HTTPS services through
//! the JVM's proxy, `synchrony.service.url`), judged with the same truststore. [`offline`] judges the configurations
//! themselves (keystores, certificate files, WebSocket proxying, Tomcat against its proxy).

pub mod assemble;
pub mod check;
pub mod cross;
pub mod discover;
pub mod forwarded;
pub mod model;
pub mod observe;
pub mod offline;
pub mod outbound;
pub mod rtc;
pub mod run;
pub mod sso;
pub mod synchrony;
pub mod web;

pub use model::{Deployment, Endpoint, EndpointUrl, Role, Scheme};
