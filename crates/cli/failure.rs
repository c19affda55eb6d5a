//! What can go wrong in the CLI, as one line for a person, and how the process exits.

use std::fmt;
use std::io;

/// A failure that ends the command with exit code 2 (or quietly, for a closed pipe).
#[derive(Debug)]
pub enum Failure {
    /// Something to tell the user: bad arguments, bad input files, unreadable data.
    Message(String),
    /// The reader of stdout went away (`carefind find ... | head`): stop quietly.
    ClosedPipe,
}

impl Failure {
    /// A failure with this message.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Message(message.into())
    }

    /// A failure about one flag's value.
    pub fn flag(flag: &str, error: impl fmt::Display) -> Self {
        Failure::Message(format!("{flag}: {error}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Message(message) => f.write_str(message),
            Failure::ClosedPipe => f.write_str("the output pipe was closed"),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Message(format!("cannot write the output: {error}"))
        }
    }
}

impl From<carefind::Error> for Failure {
    fn from(error: carefind::Error) -> Self {
        Failure::Message(carefind::error::chain(&error))
    }
}

impl From<carefind::QueryError> for Failure {
    fn from(error: carefind::QueryError) -> Self {
        Failure::Message(error.to_string())
    }
}
