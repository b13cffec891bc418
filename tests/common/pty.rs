//! A real pseudo-terminal for process tests: the child gets the slave side as its controlling terminal.
#![allow(dead_code)]

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

pub struct Pty {
    pub master: Option<std::fs::File>,
    pub child: Child,
    pub output: Arc<Mutex<Vec<u8>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    /// Spawns `cmd` on a new 80×24 pseudo-terminal, as session leader with it as controlling tty.
    pub fn spawn(mut cmd: Command) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let ws = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills the two descriptors; the winsize pointer is valid.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: setting FD_CLOEXEC on our own descriptor: the child must not inherit the master,
        // or closing ours would not hang the terminal up.
        unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) };
        // SAFETY: fresh descriptors owned from here on.
        let slave = unsafe { OwnedFd::from_raw_fd(slave) };
        let master = unsafe { std::fs::File::from_raw_fd(master) };
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on pty");
        let output = Arc::new(Mutex::new(Vec::new()));
        // The reader borrows the descriptor without owning it, so that `hang_up` really closes the
        // master (the last descriptor) and the kernel hangs the terminal up.
        let raw = master.as_raw_fd();
        let out = output.clone();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop_reader = stop.clone();
        let reader = std::thread::spawn(move || {
            // SAFETY: the fd stays open until `hang_up` has joined this thread.
            let mut reader =
                std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(raw) });
            let mut buf = [0u8; 4096];
            // Poll with a timeout so that the thread is never inside read() when the master closes.
            while !stop_reader.load(std::sync::atomic::Ordering::SeqCst) {
                let mut pfd = libc::pollfd {
                    fd: raw,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                if ready <= 0 || pfd.revents & libc::POLLIN == 0 {
                    if pfd.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(n) if n > 0 => out.lock().unwrap().extend_from_slice(&buf[..n]),
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        Pty {
            master: Some(master),
            child,
            output,
            stop,
            reader: Some(reader),
        }
    }

    pub fn write(&mut self, s: &str) {
        use std::io::Write;
        let m = self.master.as_mut().expect("open master");
        m.write_all(s.as_bytes()).unwrap();
        m.flush().unwrap();
    }

    /// The output so far as text with escape sequences removed (enough to look for words).
    pub fn screen_text(&self) -> String {
        let bytes = self.output.lock().unwrap().clone();
        let s = String::from_utf8_lossy(&bytes);
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    while let Some(&n) = chars.peek() {
                        chars.next();
                        if n.is_ascii_alphabetic() {
                            break;
                        }
                    }
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Waits up to `secs` for `text` to appear in the output.
    pub fn wait_for(&self, text: &str, secs: f64) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
        while std::time::Instant::now() < deadline {
            if self.screen_text().contains(text) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    }

    /// Closes the master side: the kernel hangs up the terminal (SIGHUP to the session).
    pub fn hang_up(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.master.take();
    }

    pub fn raw_fd(&self) -> Option<i32> {
        self.master.as_ref().map(|m| m.as_raw_fd())
    }
}
