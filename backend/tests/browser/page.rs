//! Headless Chromium driven through chromedriver (WebDriver), for tests of the real page.
//!
//! The page under test is the one trunk built (`SOCKLAB_DIST`, set by scripts/test), served by
//! a real socklab on an ephemeral port. Chromium runs with the flags this sandbox needs
//! (no background networking: only loopback is reachable).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long to wait for something to appear on the page before failing.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

/// The built page; panics with instructions when it's missing.
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("SOCKLAB_DIST")
        .map(PathBuf::from)
        .expect("SOCKLAB_DIST is not set: run the browser tests through scripts/test, which builds the page first");
    assert!(
        dist.join("index.html").is_file(),
        "no built page in {}: run scripts/test (it builds the page with trunk)",
        dist.display()
    );
    dist
}

/// A socklab serving the built page (after `adjust` changed its configuration) and a browser
/// showing it, connected.
pub async fn open_lab_with(
    adjust: impl FnOnce(&mut socklab::Config),
) -> (super::support::LabServer, Browser) {
    let server = super::support::LabServer::start_with(|c| {
        c.dist = dist();
        adjust(c);
    })
    .await;
    let b = Browser::start().await;
    b.client.goto(&server.page_url()).await.unwrap();
    b.wait_for_text("connection-status", "connected").await;
    (server, b)
}

/// [`open_lab_with`] the default configuration.
pub async fn open_lab() -> (super::support::LabServer, Browser) {
    open_lab_with(|_| {}).await
}

/// A chromedriver process and a browser session; both end on drop / [`Browser::close`].
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: super::support::TempDir,
}

/// A test that panics drops its `Browser` without ending the WebDriver session: chromedriver is
/// killed (`kill_on_drop`), but the Chromium it started would outlive it. Every Chromium process
/// of this browser runs with our private `--user-data-dir`, so those are found in /proc and
/// stopped; nothing else is touched.
impl Drop for Browser {
    fn drop(&mut self) {
        let marker = format!("--user-data-dir={}", self._profile.0.display());
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in procs.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok())
            else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            if cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == marker.as_bytes())
            {
                // SAFETY: kill(2) with a pid read from /proc has no memory-safety effects;
                // at worst the process is already gone and the call fails with ESRCH.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

impl Browser {
    /// A browser whose language is English (`navigator.language` = `en-US`), as the tests
    /// that match the page's English wording need.
    pub async fn start() -> Self {
        Self::start_with_lang("en-US").await
    }

    /// A browser whose user asked for `lang` (`zh-CN`…): Chromium's `--lang` sets
    /// `navigator.language`, the `intl.accept_languages` preference `navigator.languages`.
    pub async fn start_with_lang(lang: &str) -> Self {
        let port = free_port();
        let mut driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start chromedriver: install chromium-driver (scripts/test does)");
        // chromedriver says when it is ready; wait for that line instead of guessing a delay.
        let stdout = driver.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        tokio::time::timeout(UI_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if line.contains("started successfully") {
                    return;
                }
            }
            panic!("chromedriver exited before it was ready");
        })
        .await
        .expect("chromedriver did not start in time");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let profile = super::support::TempDir::new();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--no-first-run",
                    "--window-size=1280,720",
                    format!("--user-data-dir={}", profile.0.display()),
                    format!("--lang={lang}"),
                ],
                "prefs": { "intl.accept_languages": lang },
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("cannot open a Chromium session through chromedriver");
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Waits until an element with `data-testid` = `id` shows exactly `text`.
    pub async fn wait_for_text(&self, id: &str, text: &str) {
        let xpath = format!("//*[@data-testid='{id}' and normalize-space(.)='{text}']");
        if let Err(e) = self
            .client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::XPath(&xpath))
            .await
        {
            let now = self.text_of(id).await;
            panic!("[data-testid={id}] never showed {text:?} (it shows {now:?}): {e}");
        }
    }

    /// The text of the element with `data-testid` = `id`, or `None` if there is none.
    pub async fn text_of(&self, id: &str) -> Option<String> {
        let el = self
            .client
            .find(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .ok()?;
        el.text().await.ok()
    }

    /// Waits for a CSS selector to match and returns the element.
    pub async fn wait_css(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!("nothing matched {css} in time: {e}"),
        }
    }

    /// Through the UI: a TCP server, a client, and accept. Returns the selectors of the
    /// client's card and of the accepted connection's card.
    pub async fn make_connection(&self) -> (String, String) {
        self.wait_css("[data-testid='new-tcp-server']")
            .await
            .click()
            .await
            .unwrap();
        self.wait_css(&Browser::card("listener")).await;
        self.wait_css("[data-testid='new-tcp-client']")
            .await
            .click()
            .await
            .unwrap();
        let client = Browser::card("client");
        self.wait_css(&client).await;
        self.click_in(&Browser::card("listener"), "accept").await;
        let conn = Browser::card("accepted");
        self.wait_css(&conn).await;
        (client, conn)
    }

    /// Sends each of `words` from the card `scope` (typed into its send box), waiting for each
    /// send's result. The first word is send #1 of that socket.
    pub async fn send_words(&self, scope: &str, words: &[&str]) {
        for (n, word) in words.iter().enumerate() {
            self.type_in(scope, "send-text", word).await;
            self.click_in(scope, "send").await;
            self.wait_text_in(
                &format!("{scope} [data-testid='send-result']"),
                &format!("send #{}", n + 1),
            )
            .await;
        }
    }

    /// Chooses lesson `number` in the lesson player's list.
    pub async fn choose_lesson(&self, number: u32) {
        let option = format!(
            "//select[@data-testid='lesson-select']/option[starts-with(normalize-space(.), '{number}.')]"
        );
        self.client
            .wait()
            .for_element(Locator::XPath(&option))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// The card of the socket with `data-role` = `role` (listener, client, accepted, udp).
    pub fn card(role: &str) -> String {
        format!("[data-testid='socket-card'][data-role='{role}']")
    }

    /// Clicks `[data-testid=id]` inside the element matching `scope`.
    pub async fn click_in(&self, scope: &str, id: &str) {
        self.wait_css(&format!("{scope} [data-testid='{id}']"))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Replaces the text of input `[data-testid=id]` inside `scope`.
    pub async fn type_in(&self, scope: &str, id: &str, text: &str) {
        let input = self
            .wait_css(&format!("{scope} [data-testid='{id}']"))
            .await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Waits until the element matching `css` has text containing `text`.
    pub async fn wait_text_in(&self, css: &str, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
        loop {
            // Re-find each time: Leptos replaces elements when they re-render.
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(t) = el.text().await
                && t.contains(text)
            {
                return t;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} never showed {text:?}"
            );
            // The page updates on WebSocket events; wait for the next animation frame.
            let _ = self
                .client
                .execute_async("requestAnimationFrame(arguments[0])", vec![])
                .await;
        }
    }

    /// The address the page shows now (`document.location.href`).
    pub async fn location(&self) -> String {
        self.client
            .execute("return document.location.href;", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Reloads the page and waits until the new page has replaced the old one (a mark left on
    /// the old page's `window` is gone), so what is checked next is the reloaded page.
    pub async fn reload(&self) {
        self.client
            .execute(
                "window.__socklabBeforeReload = true; location.reload();",
                vec![],
            )
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
        loop {
            let old = self
                .client
                .execute("return window.__socklabBeforeReload === true;", vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool());
            if old == Some(false) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the page never reloaded"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// An attribute of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.wait_css(css).await.attr(name).await.ok().flatten()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn chromium() -> String {
    std::env::var("SOCKLAB_CHROMIUM").unwrap_or_else(|_| {
        [
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("chromium")
        .to_owned()
    })
}

fn chromedriver() -> String {
    std::env::var("SOCKLAB_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned())
}

/// Helpers for the timeline's tests.
impl Browser {
    /// Waits for the page's next animation frame (the page updates on signals and events).
    pub async fn next_frame(&self) {
        let _ = self
            .client
            .execute_async("requestAnimationFrame(arguments[0])", vec![])
            .await;
    }

    /// Sends a `keydown` of `key` ("ArrowLeft", " ", "End"…) to the window, as a keyboard
    /// shortcut with nothing focused.
    pub async fn press_key(&self, key: &str) {
        self.client
            .execute(
                "document.activeElement && document.activeElement.blur(); \
                 window.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], bubbles: true}));",
                vec![serde_json::json!(key)],
            )
            .await
            .unwrap();
    }

    /// Clicks the element with `data-testid` = `id`.
    pub async fn click_testid(&self, id: &str) {
        self.wait_css(&format!("[data-testid='{id}']"))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Writes a PNG of the window to `$SOCKLAB_SCREENSHOT`, if it is set.
    pub async fn screenshot_if_asked(&self) {
        if let Some(path) = std::env::var_os("SOCKLAB_SCREENSHOT") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(&path, png).unwrap();
        }
    }
}

/// Helpers for the tests of a lecture's flow (clean slates, keyboard, reloads).
impl Browser {
    /// The `data-socket` numbers of the elements matching `css` right now.
    pub async fn socket_ids(&self, css: &str) -> Vec<u32> {
        let ids = self
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(e => Number(e.dataset.socket));",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
        serde_json::from_value(ids).unwrap_or_default()
    }

    /// Waits until `test` holds for the `data-socket` numbers matching `css`; returns them.
    pub async fn wait_socket_ids(
        &self,
        css: &str,
        what: &str,
        test: impl Fn(&[u32]) -> bool,
    ) -> Vec<u32> {
        let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
        loop {
            let ids = self.socket_ids(css).await;
            if test(&ids) {
                return ids;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css}: never {what} (now {ids:?})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `js` (a function body returning a boolean) until it returns true.
    pub async fn wait_js(&self, js: &str, what: &str) {
        let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
        while self.client.execute(js, vec![]).await.unwrap() != serde_json::json!(true) {
            assert!(tokio::time::Instant::now() < deadline, "never {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A real key press, through WebDriver's keyboard: it goes to whatever has the focus (the
/// button just clicked, say), as a lecturer's keyboard or clicker would.
impl Browser {
    pub async fn type_key(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let value: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client.perform_actions(actions).await.unwrap();
    }
}
