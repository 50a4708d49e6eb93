//! The size of the page's window, for the layout tests: a projector (1280×720) and a phone
//! (390×844). WebDriver sets the window's outer size; the viewport (what CSS media queries and
//! `innerWidth`/`innerHeight` see) is what the tests mean, so the outer size is corrected by
//! the browser's frame until the viewport is exactly the size asked for.

use crate::page::Browser;

impl Browser {
    /// Resizes the window so the viewport is `width` × `height` CSS pixels.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let mut outer = (width, height);
        for _ in 0..3 {
            self.client.set_window_size(outer.0, outer.1).await.unwrap();
            let (w, h) = self.viewport().await;
            if (w, h) == (width, height) {
                return;
            }
            // The frame around the viewport (none in headless Chromium, some in a desktop one).
            outer = (
                (outer.0 as i64 + width as i64 - w as i64).max(1) as u32,
                (outer.1 as i64 + height as i64 - h as i64).max(1) as u32,
            );
        }
        let now = self.viewport().await;
        panic!("the viewport is {now:?}, not {width}×{height}");
    }

    /// Writes a PNG of the window as `name` in the folder `$SOCKLAB_SCREENSHOTS`, if it is
    /// set (scripts/screenshot sets it to refresh the README's pictures).
    pub async fn screenshot_to(&self, name: &str) {
        if let Some(dir) = std::env::var_os("SOCKLAB_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
        }
    }

    /// The viewport's size now (`innerWidth`, `innerHeight`).
    pub async fn viewport(&self) -> (u32, u32) {
        let size = self
            .client
            .execute("return [innerWidth, innerHeight];", vec![])
            .await
            .unwrap();
        let size: (u32, u32) = serde_json::from_value(size).unwrap();
        size
    }
}

/// A function body for `execute`: what of the page a lecturer needs is not fully on screen,
/// as a list of sentences (empty when all is well). `arguments[0]` lists CSS selectors of
/// elements that must be wholly visible: inside the viewport, not cut off by a scrolling or
/// clipping ancestor, and (unless inside it) not under the lesson bar. `arguments[1]` lists
/// selectors of elements whose own content must not be cut off (`scrollHeight` within
/// `clientHeight`). A selector that matches nothing is reported too.
const FIT_JS: &str = r#"
const [whole, unclipped] = arguments;
const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
const bar = document.querySelector('.lessons');
const barRect = bar && bar.getBoundingClientRect();
const problems = [];
const fmt = r => `[${Math.round(r.left)},${Math.round(r.top)} – ${Math.round(r.right)},${Math.round(r.bottom)}]`;
const name = el => (el.dataset.testid || el.className || el.tagName) + (el.dataset.socket ? '#' + el.dataset.socket : '');
for (const css of whole) {
  const els = [...document.querySelectorAll(css)];
  if (els.length === 0) problems.push(`nothing matches ${css}`);
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
      problems.push(`${name(el)} ${fmt(r)} is not inside the ${vw}×${vh} viewport`);
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      if (r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5 || r.left < c.left - 0.5 || r.right > c.right + 0.5)
        problems.push(`${name(el)} ${fmt(r)} is cut off by ${name(a)} ${fmt(c)}`);
    }
    if (barRect && !bar.contains(el) && r.top < barRect.bottom - 0.5 && r.bottom > barRect.top + 0.5
        && r.left < barRect.right - 0.5 && r.right > barRect.left + 0.5)
      problems.push(`${name(el)} ${fmt(r)} is under the lesson bar ${fmt(barRect)}`);
  }
}
for (const css of unclipped) {
  for (const el of document.querySelectorAll(css)) {
    if (el.scrollHeight > el.clientHeight + 1)
      problems.push(`${name(el)} shows ${el.clientHeight} of its ${el.scrollHeight} px`);
  }
}
return problems;
"#;

impl Browser {
    /// Runs `js` (a function body returning a list of sentences) with `args`.
    async fn problems(&self, js: &str, args: Vec<serde_json::Value>) -> Vec<String> {
        let problems = self.client.execute(js, args).await.unwrap();
        serde_json::from_value(problems).unwrap()
    }

    /// Waits until `js` finds no problems (the page scrolls and lays out over a few frames);
    /// panics with what it still finds, saying `when`.
    pub async fn wait_no_problems(&self, js: &str, args: Vec<serde_json::Value>, when: &str) {
        let deadline = tokio::time::Instant::now() + crate::page::UI_TIMEOUT / 2;
        loop {
            let problems = self.problems(js, args.clone()).await;
            if problems.is_empty() {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{when}:\n  {}",
                problems.join("\n  ")
            );
            self.next_frame().await;
        }
    }

    /// Waits until everything of `whole` is wholly visible and nothing of `unclipped` is cut
    /// off (the page scrolls smoothly to a step's highlights, so this can take a few frames);
    /// panics with what is not, saying `when`.
    pub async fn wait_fit(&self, whole: &[&str], unclipped: &[&str], when: &str) {
        let args = vec![serde_json::json!(whole), serde_json::json!(unclipped)];
        self.wait_no_problems(FIT_JS, args, when).await;
    }
}
