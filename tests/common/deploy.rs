//! The README's setgid deployment, installed for real (as root) by running the README's own
//! commands with the names of a test: a data group, a desk group, unprivileged desk accounts, a
//! setgid copy of the built binary and the data and log folders in a temporary prefix. Only
//! `/etc/sportello/config.toml` is global (a setgid sportello reads nothing else): an existing one
//! is put back afterwards. Users, groups and the prefix are removed on drop.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The README's install commands, with `{placeholders}` for what a test renames.
pub const INSTALL: &str = r#"groupadd --system {data}
groupadd {desk}
install -o root -g {data} -m 2755 {built} {bin}
install -d -o root -g {data} -m 2770 {lib} {log}
install -d -o root -g root -m 0755 /etc/sportello
cat > /etc/sportello/config.toml <<'TOML'
database = "{lib}/sportello.db"
log_dir = "{log}"
recording_dir = "{lib}/registrazioni"
auth = "system"
TOML
chmod 0644 /etc/sportello/config.toml
"#;

/// The README's commands for each person.
pub const PERSON: &str = r#"useradd --create-home --gid {desk} --shell /bin/sh {user}
{sportello} user add {user} --nome Maria --cognome Rossi --role sportello --ente G478 --os-user {user}
"#;

/// The password of `admin` in the deployment's database.
pub const ADMIN_PASSWORD: &str = "una-password-admin";

/// `template` with each `{key}` replaced.
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

/// The commands exactly as the README shows them.
pub fn readme_commands() -> (String, String) {
    let values = [
        ("data", "sportello-dati"),
        ("desk", "sportello"),
        ("built", "target/release/sportello"),
        ("bin", "/usr/local/bin/sportello"),
        ("lib", "/var/lib/sportello"),
        ("log", "/var/log/sportello"),
        ("sportello", "sportello"),
        ("user", "mrossi"),
    ];
    (render(INSTALL, &values), render(PERSON, &values))
}

/// Whether a root-only deployment test may run: as root yes; otherwise it is skipped with one
/// line, and under CI (`CI=true`, which runs as root) it fails.
pub fn as_root(test: &str) -> bool {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: needs root, and CI runs as root"
    );
    eprintln!("{test}: skipped (needs root)");
    false
}

/// Runs `script` with `sh -e`, as root; panics with its output when it fails.
pub fn sh(script: &str, stdin: &str) -> Output {
    let out = super::output_with_stdin(Command::new("sh").args(["-e", "-c", script]), stdin);
    assert!(
        out.status.success(),
        "{script}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A folder where setgid binaries work (not on a `nosuid` mount) and the desk accounts can reach.
fn suid_capable_tempdir() -> tempfile::TempDir {
    let candidates = [
        std::env::temp_dir(),
        PathBuf::from("/var/tmp"),
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
    ];
    for c in candidates {
        let Ok(c_path) = std::ffi::CString::new(c.as_os_str().as_encoded_bytes()) else {
            continue;
        };
        // SAFETY: statvfs fills the struct for a valid NUL-terminated path.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c_path.as_ptr(), &mut st) } != 0
            || st.f_flag & libc::ST_NOSUID != 0
        {
            continue;
        }
        if let Ok(dir) = tempfile::tempdir_in(&c) {
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            return dir;
        }
    }
    panic!("no folder without nosuid for the setgid binary");
}

/// uid and primary gid of `user`.
pub fn ids(user: &str) -> (u32, u32) {
    let c = std::ffi::CString::new(user).unwrap();
    // SAFETY: getpwnam returns a pointer into static storage, read at once.
    unsafe {
        let p = libc::getpwnam(c.as_ptr());
        assert!(!p.is_null(), "no user {user}");
        ((*p).pw_uid, (*p).pw_gid)
    }
}

/// gid of `group`.
pub fn gid(group: &str) -> u32 {
    let c = std::ffi::CString::new(group).unwrap();
    // SAFETY: as above.
    unsafe {
        let g = libc::getgrnam(c.as_ptr());
        assert!(!g.is_null(), "no group {group}");
        (*g).gr_gid
    }
}

pub struct Deployment {
    pub prefix: tempfile::TempDir,
    pub data_group: String,
    pub desk_group: String,
    pub users: Vec<String>,
    /// The `/etc/sportello/config.toml` found before (put back on drop); whether the folder was made.
    etc_before: Option<Vec<u8>>,
    etc_made: bool,
    /// One deployment at a time owns `/etc/sportello` (tests of one binary run in parallel);
    /// released after `drop` has put the folder back.
    _etc: std::sync::MutexGuard<'static, ()>,
}

/// Held by the deployment that owns `/etc/sportello`.
static ETC: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Deployment {
    /// Installs the deployment as the README says, `init`s its database as root and adds one desk
    /// account per name of `users` (prefixed to be unique).
    pub fn install(tag: &str, users: &[&str]) -> Deployment {
        let n = std::process::id() % 100_000;
        let etc = Path::new("/etc/sportello");
        let owner = ETC.lock().unwrap_or_else(|e| e.into_inner());
        let d = Deployment {
            prefix: suid_capable_tempdir(),
            data_group: format!("spd{tag}{n}"),
            desk_group: format!("spg{tag}{n}"),
            users: users.iter().map(|u| format!("sp{u}{tag}{n}")).collect(),
            etc_before: std::fs::read(etc.join("config.toml")).ok(),
            etc_made: !etc.exists(),
            _etc: owner,
        };
        d.remove_accounts();
        let built = d.prefix.path().join("built");
        std::fs::copy(env!("CARGO_BIN_EXE_sportello"), &built).unwrap();
        let (bin, lib, log) = (d.bin(), d.lib(), d.log());
        sh(
            &render(
                INSTALL,
                &[
                    ("data", &d.data_group),
                    ("desk", &d.desk_group),
                    ("built", built.to_str().unwrap()),
                    ("bin", bin.to_str().unwrap()),
                    ("lib", lib.to_str().unwrap()),
                    ("log", log.to_str().unwrap()),
                ],
            ),
            "",
        );
        let mut out = d.root(&[
            "init",
            "--ente",
            "Comune di Perugia",
            "--belfiore",
            "G478",
            "--admin",
            "admin",
            "--password-stdin",
        ]);
        let out = super::output_with_stdin(&mut out, &format!("{ADMIN_PASSWORD}\n"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for user in d.users.clone() {
            sh(
                &render(
                    PERSON,
                    &[
                        ("desk", &d.desk_group),
                        ("user", &user),
                        ("sportello", bin.to_str().unwrap()),
                    ],
                ),
                "",
            );
        }
        d
    }

    pub fn bin(&self) -> PathBuf {
        self.prefix.path().join("bin-sportello")
    }

    /// The data directory.
    pub fn lib(&self) -> PathBuf {
        self.prefix.path().join("lib")
    }

    pub fn log(&self) -> PathBuf {
        self.prefix.path().join("log")
    }

    pub fn db(&self) -> PathBuf {
        self.lib().join("sportello.db")
    }

    /// The home of `user`.
    pub fn home(&self, user: &str) -> PathBuf {
        PathBuf::from(format!("/home/{user}"))
    }

    /// The installed binary with `args`, in a clean environment.
    fn command(&self, home: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(self.bin());
        c.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", home)
            .env("TERM", "xterm")
            .env("LANG", "C.UTF-8")
            .current_dir(home)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// The installed binary run by root.
    pub fn root(&self, args: &[&str]) -> Command {
        self.command(self.prefix.path(), args)
    }

    /// The installed binary run by the desk account `user` (its uid and primary group only).
    pub fn user(&self, user: &str, args: &[&str]) -> Command {
        let (uid, gid) = ids(user);
        let mut c = self.command(&self.home(user), args);
        c.uid(uid).gid(gid);
        c
    }

    /// `cat path` as `user`: whether the account can open the file by itself.
    pub fn user_can_read(&self, user: &str, path: &Path) -> bool {
        let (uid, gid) = ids(user);
        Command::new("cat")
            .arg(path)
            .uid(uid)
            .gid(gid)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    }

    /// The id of the operator mapped to `user` (read as root).
    pub fn operatore_id(&self, user: &str) -> i64 {
        let c = rusqlite::Connection::open(self.db()).unwrap();
        c.query_row(
            "SELECT id FROM operatore WHERE username = ?1",
            [user],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// Today's log file.
    pub fn log_file(&self) -> PathBuf {
        let day = time::OffsetDateTime::now_utc().date();
        self.log().join(format!("sportello.log.{day}"))
    }

    fn remove_accounts(&self) {
        for u in &self.users {
            let _ = Command::new("userdel")
                .args(["--force", "--remove", u])
                .stderr(Stdio::null())
                .status();
        }
        for g in [&self.desk_group, &self.data_group] {
            let _ = Command::new("groupdel")
                .arg(g)
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        self.remove_accounts();
        let etc = Path::new("/etc/sportello");
        match &self.etc_before {
            Some(bytes) => {
                let _ = std::fs::write(etc.join("config.toml"), bytes);
            }
            None => {
                let _ = std::fs::remove_file(etc.join("config.toml"));
                if self.etc_made {
                    let _ = std::fs::remove_dir(etc);
                }
            }
        }
    }
}
