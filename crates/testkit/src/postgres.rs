//! A real PostgreSQL server for a test: a new cluster in a temporary directory of its
//! own, on a free port of the loopback, stopped and removed when dropped.
//!
//! The server binaries are Debian's (`/usr/lib/postgresql/<version>/bin`, package
//! `postgresql`), or those in `$CAREFIND_PG_BIN`. PostgreSQL refuses to run as root, so a
//! test running as root (as CI does) runs the server as the `postgres` user, which owns
//! the directory. Tests that use it are `#[ignore = "needs PostgreSQL"]`.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running PostgreSQL cluster, with trust authentication for the user `carefind` on
/// 127.0.0.1.
pub struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    server: Option<Child>,
    /// The user the server runs as, when this process is root.
    user: Option<(u32, u32)>,
    /// Whether it takes only TLS connections over TCP ([`Postgres::start_tls`]).
    tls: bool,
}

impl Postgres {
    /// Makes a new cluster and starts it; panics, naming what is missing, when
    /// PostgreSQL is not installed.
    pub fn start() -> Postgres {
        Postgres::make(false)
    }

    /// Like [`Postgres::start`], taking TCP connections over TLS only (`hostssl`), with a
    /// certificate for 127.0.0.1 issued by a certificate authority of its own
    /// ([`Postgres::ca_file`]), made with the `openssl` command.
    pub fn start_tls() -> Postgres {
        Postgres::make(true)
    }

    /// The certificate authority that issued a TLS cluster's certificate (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn make(tls: bool) -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("carefind-pg")
            .tempdir()
            .expect("a temporary directory");
        let user = running_as_root().then(postgres_user);
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .expect("the cluster's directory is given to the postgres user");
        }
        let data = dir.path().join("data");
        let status = as_user(Command::new(bin.join("initdb")), user)
            .args([
                "--auth=trust",
                "--username=carefind",
                "--no-sync",
                "-E",
                "UTF8",
            ])
            .arg("-D")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(status.success(), "initdb failed: {status:?}");
        if tls {
            certificates(dir.path(), user);
            // TCP only over TLS; the socket (psql's, of the tests) as before.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("pg_hba.conf is written");
        }
        let mut postgres = Postgres {
            bin,
            port: free_port(),
            dir,
            server: None,
            user,
            tls,
        };
        postgres.resume();
        postgres.watch();
        postgres
    }

    /// A cluster held in a `static` is never dropped: a watchdog stops it, and removes
    /// its directory, once this process has ended, so that no test leaves a server
    /// running.
    fn watch(&self) {
        let script = "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done; \
                      pid=$(head -n 1 \"$1/data/postmaster.pid\" 2>/dev/null) && kill -QUIT \"$pid\"; \
                      sleep 2; rm -rf \"$1\"";
        let _ = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(std::process::id().to_string())
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The URL of database `postgres` as user `carefind`, without TLS.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `name` as user `carefind`.
    pub fn url_of(&self, name: &str) -> String {
        format!(
            "postgres://carefind@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }

    /// Makes database `name` and answers its URL.
    pub fn database(&self, name: &str) -> String {
        self.psql(&format!("CREATE DATABASE {name}"));
        self.url_of(name)
    }

    /// Runs `sql` with psql in database `postgres`, and answers what it printed (tuples
    /// only, unaligned).
    pub fn psql(&self, sql: &str) -> String {
        self.psql_in("postgres", sql)
    }

    /// Runs `sql` with psql in database `name`.
    pub fn psql_in(&self, name: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "carefind",
                "-d",
                name,
                "-At",
                "-c",
                sql,
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server at once (`immediate`: no checkpoint, as a crash would, then
    /// recovery at the next start), and leaves it stopped until [`Postgres::resume`].
    pub fn crash(&mut self) {
        self.signal("QUIT");
    }

    /// Stops the server as an operator would (`fast`: sessions are ended, the rest is
    /// written out).
    pub fn stop(&mut self) {
        self.signal("INT");
    }

    /// Starts the server again on the same port and directory, and waits until it
    /// takes connections.
    pub fn resume(&mut self) {
        let data = self.dir.path().join("data");
        let log = std::fs::File::create(self.dir.path().join(format!("server-{}.log", self.port)))
            .expect("a log file");
        let server = as_user(Command::new(self.bin.join("postgres")), self.user)
            .arg("-D")
            .arg(&data)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ])
            .arg("-c")
            .arg(format!(
                "unix_socket_directories={}",
                self.dir.path().display()
            ))
            .arg("-p")
            .arg(self.port.to_string())
            .args(if self.tls {
                vec![
                    "-c".to_string(),
                    "ssl=on".to_string(),
                    "-c".to_string(),
                    format!(
                        "ssl_cert_file={}",
                        self.dir.path().join("server.pem").display()
                    ),
                    "-c".to_string(),
                    format!(
                        "ssl_key_file={}",
                        self.dir.path().join("server.key").display()
                    ),
                ]
            } else {
                Vec::new()
            })
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres starts");
        self.server = Some(server);
        let started = Instant::now();
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1"])
                .arg("-p")
                .arg(self.port.to_string())
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "PostgreSQL did not start; its log is in {}",
                self.dir.path().display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&mut self, name: &str) {
        if let Some(mut server) = self.server.take() {
            let _ = Command::new("kill")
                .args([&format!("-{name}"), &server.id().to_string()])
                .status();
            let _ = server.wait();
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.signal("QUIT");
    }
}

/// A certificate authority (`ca.pem`) and a certificate it issued for 127.0.0.1
/// (`server.pem`, `server.key`, the key readable by the server's user alone) in `dir`.
fn certificates(dir: &Path, user: Option<(u32, u32)>) {
    let openssl = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("this test needs the openssl command");
        assert!(status.success(), "openssl {args:?} failed");
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=carefind test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("the extensions are written");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // Valid from the second it was made, to the second: a check at once may find it
    // not valid yet when the clock steps.
    std::thread::sleep(Duration::from_millis(1_500));
    let key = dir.join("server.key");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
        .expect("the key is made private");
    if let Some((uid, gid)) = user {
        for file in ["server.key", "server.pem"] {
            std::os::unix::fs::chown(dir.join(file), Some(uid), Some(gid))
                .expect("the certificate is given to the postgres user");
        }
    }
}

/// `$CAREFIND_PG_BIN`, else the newest of Debian's `/usr/lib/postgresql/*/bin`.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAREFIND_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!("this test needs PostgreSQL: install Debian's postgresql, or set CAREFIND_PG_BIN")
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// The uid and gid of the `postgres` user.
fn postgres_user() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let output = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("id runs");
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("as root, this test needs the postgres user (Debian's postgresql makes it)")
    };
    (id("-u"), id("-g"))
}

fn as_user(mut command: Command, user: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid);
        // Its HOME is root's, which it cannot read.
        command.env("HOME", Path::new("/tmp"));
    }
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}
