//! A real pseudo-terminal for process tests: the child gets the slave side as its controlling terminal.
//! The output is kept with the moment each read returned, and can be fed to a vt100 [`Screen`] to
//! wait for what a terminal would show and know when it arrived.
#![allow(dead_code)]

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Everything the child wrote, and the end offset of each read with the moment it returned.
#[derive(Default)]
pub struct Output {
    pub bytes: Vec<u8>,
    arrivals: Vec<(usize, Instant)>,
}

pub struct Pty {
    pub master: Option<std::fs::File>,
    pub child: Child,
    pub output: Arc<(Mutex<Output>, Condvar)>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// A 24×80 vt100 terminal fed with a pty's output, read by read.
#[derive(Default)]
pub struct Screen {
    parser: vt100::Parser,
    fed: usize,
    /// Frames drawn so far: ratatui ends each one by showing or hiding the cursor.
    pub frames: usize,
}

impl Screen {
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    pub fn text(&self) -> String {
        self.screen().contents()
    }

    /// The text after `label` on the first row that holds it, without spaces and box borders.
    pub fn after(&self, label: &str) -> Option<String> {
        let row = self.row(self.row_of(label)?);
        let rest = &row[row.find(label)? + label.len()..];
        Some(
            rest.trim_matches(|c: char| c == ' ' || c == '│')
                .to_string(),
        )
    }

    /// The text of row `r`, trailing spaces removed.
    pub fn row(&self, r: u16) -> String {
        let row = self.screen().rows(0, 80).nth(r.into()).unwrap_or_default();
        row.trim_end().to_string()
    }

    /// The index of the first row that holds `label`.
    pub fn row_of(&self, label: &str) -> Option<u16> {
        let i = self.screen().rows(0, 80).position(|l| l.contains(label))?;
        u16::try_from(i).ok()
    }

    /// The cursor as (row, column) when it is shown.
    pub fn cursor(&self) -> Option<(u16, u16)> {
        (!self.screen().hide_cursor()).then(|| self.screen().cursor_position())
    }

    fn feed(&mut self, all: &[u8], end: usize) {
        const MARKS: [&[u8]; 2] = [b"\x1b[?25h", b"\x1b[?25l"];
        // Count the frame marks that end in this read (one may straddle the previous read).
        let from = self.fed.saturating_sub(MARKS[0].len() - 1);
        self.frames += all[from..end]
            .windows(MARKS[0].len())
            .enumerate()
            .filter(|(i, w)| from + i + w.len() > self.fed && MARKS.contains(w))
            .count();
        self.parser.process(&all[self.fed..end]);
        self.fed = end;
    }
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
        let output = Arc::new((Mutex::new(Output::default()), Condvar::new()));
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
                    Ok(n) if n > 0 => {
                        let at = Instant::now();
                        let mut o = out.0.lock().unwrap();
                        o.bytes.extend_from_slice(&buf[..n]);
                        let end = o.bytes.len();
                        o.arrivals.push((end, at));
                        out.1.notify_all();
                    }
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
        let bytes = self.output.0.lock().unwrap().bytes.clone();
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

    /// Feeds `screen` with the output as it arrives until `done` holds; returns the moment the read
    /// that made it hold returned (now, if it already held), or None after `secs`.
    pub fn wait_screen(
        &self,
        screen: &mut Screen,
        secs: f64,
        done: impl Fn(&Screen) -> bool,
    ) -> Option<Instant> {
        if done(screen) {
            return Some(Instant::now());
        }
        let deadline = Instant::now() + Duration::from_secs_f64(secs);
        let (lock, arrived) = &*self.output;
        let mut out = lock.lock().unwrap();
        loop {
            let fresh: Vec<(usize, Instant)> = out
                .arrivals
                .iter()
                .filter(|(end, _)| *end > screen.fed)
                .copied()
                .collect();
            for (end, at) in fresh {
                screen.feed(&out.bytes, end);
                if done(screen) {
                    return Some(at);
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            out = arrived.wait_timeout(out, left).unwrap().0;
        }
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
