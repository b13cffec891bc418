//! The README's SSH deployment over a real `sshd` (Debian `openssh-server`) on 127.0.0.1, started on
//! a free port with its own host key and configuration, `ForceCommand` and `auth = "system"` as the
//! README says. Root runs one CLI command first (so root has touched the day's log), then two desk
//! accounts open sessions with `ssh -tt` on a pseudo-terminal: each lands on its home screen and
//! works, and both log. Run as root; skipped with one line otherwise (or without sshd), failing
//! under `CI=true`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::deploy::{Deployment, as_root, ids, render, sh};
use common::pty::Pty;
use common::{code, text};

const SSHD: &str = "/usr/sbin/sshd";

/// The README's `sshd_config` block.
const MATCH: &str = "Match Group {desk}
    ForceCommand {bin}
    PermitTTY yes
    DisableForwarding yes
    PermitTunnel no
    PermitUserRC no
    ClientAliveInterval 30
    ClientAliveCountMax 3
";

#[test]
fn the_readme_shows_the_sshd_configuration_this_test_uses() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = render(
        MATCH,
        &[("desk", "sportello"), ("bin", "/usr/local/bin/sportello")],
    );
    assert!(readme.contains(&block), "README must show:\n{block}");
}

/// `sshd -D` of the test, killed (by its pid) on drop.
struct Sshd(Child);

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_sshd(d: &Deployment, dir: &Path, port: u16) -> Sshd {
    std::fs::create_dir_all("/run/sshd").unwrap();
    let host_key = dir.join("host_key");
    sh(
        &format!("ssh-keygen -q -t ed25519 -N '' -f {}", host_key.display()),
        "",
    );
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nUsePAM no\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
             AuthorizedKeysFile .ssh/authorized_keys\nStrictModes yes\n\n{}",
            host_key.display(),
            dir.join("sshd.pid").display(),
            render(
                MATCH,
                &[("desk", &d.desk_group), ("bin", d.bin().to_str().unwrap()),]
            )
        ),
    )
    .unwrap();
    let child = Command::new(SSHD)
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(dir.join("sshd.log")).unwrap(),
        ))
        .spawn()
        .unwrap();
    let sshd = Sshd(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sshd does not listen: {}",
            std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    sshd
}

/// Key authentication for `user` (and an account sshd accepts: not locked, no password).
fn authorize(d: &Deployment, user: &str, public_key: &Path) {
    sh(&format!("usermod -p '*' {user}"), "");
    let ssh = d.home(user).join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    std::fs::copy(public_key, ssh.join("authorized_keys")).unwrap();
    let (uid, gid) = ids(user);
    for (p, mode) in [(&ssh, 0o700), (&ssh.join("authorized_keys"), 0o600)] {
        std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// `ssh -tt user@127.0.0.1` on a pseudo-terminal.
fn ssh(user: &str, port: u16, key: &Path, dir: &Path) -> Pty {
    let mut c = Command::new("ssh");
    c.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .env("HOME", dir)
        .args(["-tt", "-p", &port.to_string(), "-i"])
        .arg(key)
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
        ])
        .arg(format!("{user}@127.0.0.1"));
    Pty::spawn(c)
}

#[test]
fn two_desk_accounts_log_in_over_ssh_after_root_ran_a_command() {
    let test = "two_desk_accounts_log_in_over_ssh_after_root_ran_a_command";
    if !as_root(test) {
        return;
    }
    if !Path::new(SSHD).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: sshd missing (.ci/run installs openssh-server)"
        );
        eprintln!("{test}: skipped (no {SSHD}: apt-get install openssh-server)");
        return;
    }
    let d = Deployment::install("h", &["a", "b"]);
    let dir: PathBuf = d.prefix.path().join("ssh");
    std::fs::create_dir(&dir).unwrap();
    let key = dir.join("client_key");
    sh(
        &format!("ssh-keygen -q -t ed25519 -N '' -f {}", key.display()),
        "",
    );
    for u in &d.users {
        authorize(&d, u, &key.with_extension("pub"));
    }
    let port = free_port();
    let _sshd = start_sshd(&d, &dir, port);

    // Root runs one command first: today's log is root's now.
    let out = d.root(&["check"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(d.log_file().exists());

    let mut sessions: Vec<Pty> = d.users.iter().map(|u| ssh(u, port, &key, &dir)).collect();
    for (p, u) in sessions.iter().zip(&d.users) {
        assert!(
            p.wait_for("Pagina iniziale", 30.0),
            "{u}: {}\n{}",
            p.screen_text(),
            std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default()
        );
        let screen = p.screen_text();
        assert!(screen.contains("Maria Rossi"), "{u}: {screen}");
        assert!(
            !screen.contains("Registro su file disattivato"),
            "{u}: {screen}"
        );
        assert!(!screen.contains("panicked"), "{u}: {screen}");
    }
    // Each works: the registry search opens and answers.
    for (p, u) in sessions.iter_mut().zip(&d.users) {
        p.write("1");
        assert!(
            p.wait_for("Ricerca anagrafe", 10.0),
            "{u}: {}",
            p.screen_text()
        );
    }
    for p in &mut sessions {
        p.hang_up();
        let start = Instant::now();
        while p.child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // The audit has both logins, by OS account over SSH; the log has both sessions' lines.
    let c = rusqlite::Connection::open(d.db()).unwrap();
    let log = std::fs::read_to_string(d.log_file()).unwrap();
    for u in &d.users {
        let logins: i64 = c
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'ok'
                 AND username = 'os:' || ?1 AND os_user = ?1 AND ssh_client = '127.0.0.1'",
                [u],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(logins, 1, "{u}");
        let tag = format!("operatore={} ", d.operatore_id(u));
        assert!(
            log.lines().any(|l| l.contains(&tag) && l.contains("pid=")),
            "{u}: {log}"
        );
    }
}
