//! The use cases: what a front end (the `estate` command line, a web
//! server) asks of estate, as plain request types in and records and views
//! out, through one handle on the register ([`Register`]) and one error
//! type ([`crate::Error`]).
//!
//! A use case never parses flags, prints or exits, and knows no clap or
//! HTTP type; "today", the actor and the busy timeout come in as values.

pub mod accounts;
pub mod assets;
pub mod demo;
pub mod forecast;
pub mod funding;
mod handle;
pub mod import;
pub mod maintenance;
pub mod orgs;
pub mod policy;
pub mod report;
pub mod running;
pub mod runs;
pub mod support;
pub mod vocabulary;

pub use handle::Register;
