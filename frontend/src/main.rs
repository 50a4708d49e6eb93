//! The socklab lab page, compiled to WebAssembly and mounted on `<body>`.

use socklab_frontend::app::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
