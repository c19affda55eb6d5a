//! The binary's integration tests, in one test binary (as ripgrep has them), so that the
//! suite links once: each module is one area, and `common` is what they share.

mod common;

mod analysis_cli;
mod audit;
mod availability;
mod cli;
mod examples;
mod import;
mod network_cli;
mod pages;
mod replicas;
mod sample;
mod serve;
mod staff;
mod swaps;
mod transit_cli;
