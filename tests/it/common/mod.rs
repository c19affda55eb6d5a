//! What the binary's integration tests share.
#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;

pub mod app;
pub mod server;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn carefind(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carefind"))
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A file in the temp directory, removed on drop.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str, contents: &[u8]) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("carefind-test-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[allow(unused_imports)] // cli.rs does not read the datasets
pub use carefind_testkit::{datasets, hsds, hsds_validator, schema_errors};

/// The ids of a `/v1/facilities` answer's results, in order.
pub fn result_ids(page: &serde_json::Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}
