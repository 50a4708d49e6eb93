# shellcheck shell=bash
# Shared setup steps for scripts/run and scripts/test. Every step checks first and installs only
# what is missing, saying what it does, so a second run costs seconds.
#
# What gets installed, at most (first run on a fresh Debian machine, 2 cores):
#   - the wasm32 target: `rustup target add` (seconds) when rustup can fetch it; otherwise
#     Debian's rustc-web toolchain, which builds std for wasm32 from source (apt, ~1 min)
#   - wasm-bindgen-cli at exactly the version in Cargo.lock and trunk 0.21.14, side by side
#     (cargo install; 5 min 10 s for both, measured cold)
#   - for tests only: Debian's chromium and chromium-driver (apt, ~1 min), and tshark (apt)
#   - for scripts/fuzz only: cargo-fuzz 0.13.2 (cargo install --locked, ~30 s)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
CARGO_FUZZ_VERSION="0.13.2"
WASM_SPLIT_VERSION="0.2.4"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m[socklab]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[socklab] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $* (install sudo or run this as root)"; fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "missing packages $*, and this is not a Debian/Ubuntu machine: install them with your package manager"
    if [ "$APT_UPDATED" = 0 ]; then
        say "apt-get update (once)"
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

dpkg_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Stops early, with what to do, when the disk cannot hold a build. A cold `scripts/test` fills
# target/ with about 4 GB (measured: 4.0 GB), so it asks for SOCKLAB_BUILD_GB (5) GB less what
# target/ already holds, plus 2 GB while `cargo install` builds trunk or wasm-bindgen-cli in
# $TMPDIR. Without this check a full disk shows up half-way through as "No space left on
# device" from whichever crate was being written.
ensure_disk_space() {
    local want_mb have_mb used_mb=0
    want_mb=$(( ${SOCKLAB_BUILD_GB:-5} * 1024 ))
    [ -d "$ROOT/target" ] && used_mb=$(du -sm "$ROOT/target" 2>/dev/null | awk '{print $1}')
    want_mb=$(( want_mb > used_mb + 512 ? want_mb - used_mb : 512 ))
    if ! command -v trunk >/dev/null || ! command -v wasm-bindgen >/dev/null; then
        want_mb=$(( want_mb + 2048 ))
    fi
    have_mb=$(df -Pm "$ROOT" | awk 'NR == 2 {print $4}')
    if [ "${have_mb:-0}" -lt "$want_mb" ]; then
        die "only ${have_mb} MB free on the disk of $ROOT, and the build needs about ${want_mb} MB more. Free some space (\`cargo clean\` in other checkouts, old clones in /tmp) and run this again"
    fi
    say "disk: ${have_mb} MB free, the build needs about ${want_mb} MB more"
}

# The wasm-bindgen version Cargo.lock pins (trunk refuses a CLI of another version).
lock_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Decides how to compile Rust for wasm32 and fills WASM_ENV with the environment trunk needs.
#   rustup path: the wasm32 std from rustup (what users with internet have).
#   debian path: Debian's rustc-web 1.96 + std sources, std compiled by build-std, linked by
#                wasm-ld from lld-22 (for machines where rustup cannot download the target).
# SOCKLAB_WASM_TOOLCHAIN=rustup|debian forces a path.
WASM_ENV=()
ensure_wasm_toolchain() {
    local choice="${SOCKLAB_WASM_TOOLCHAIN:-auto}" marker="$ROOT/target/.wasm-toolchain"
    if [ "$choice" = auto ] && [ -f "$marker" ] && [ "$(cat "$marker")" = debian ]; then
        choice=debian   # an earlier run found that rustup cannot fetch the target here
    fi
    if [ "$choice" != debian ] && command -v rustup >/dev/null; then
        if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
            say "wasm32 toolchain: rustup's wasm32-unknown-unknown target (installed)"
            WASM_ENV=(); return
        fi
        say "trying: rustup target add wasm32-unknown-unknown (gives up after 90 s)"
        if timeout 90 rustup target add wasm32-unknown-unknown >&2 &&
            rustup target list --installed | grep -qx wasm32-unknown-unknown; then
            say "wasm32 toolchain: rustup's wasm32-unknown-unknown target (just installed)"
            WASM_ENV=(); return
        fi
        [ "$choice" = rustup ] && die "rustup could not install the wasm32 target"
        say "rustup cannot fetch the wasm32 target here; falling back to Debian's rustc-web"
        mkdir -p "$ROOT/target" && echo debian > "$marker"
    fi
    local pkg missing=()
    for pkg in rustc-web cargo-web rust-web-src lld-22; do dpkg_has "$pkg" || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    [ -x /usr/lib/llvm-22/bin/wasm-ld ] || die "wasm-ld not found at /usr/lib/llvm-22/bin/wasm-ld after installing lld-22"
    say "wasm32 toolchain: Debian rustc-web ($(/usr/bin/rustc --version)), std built from source"
    WASM_ENV=(
        "PATH=/usr/bin:$PATH"
        RUSTC_BOOTSTRAP=1
        CARGO_UNSTABLE_BUILD_STD=std,panic_abort
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-22/bin/wasm-ld
    )
}

# Build tools are installed with a cheap release profile: they mostly wait on cargo and rustc,
# so fat LTO, one codegen unit (trunk's own profile: one rustc ran alone for 6 minutes) and
# full optimisation buy nothing at run time and cost most of the install.
TOOL_PROFILE=(
    CARGO_PROFILE_RELEASE_LTO=false
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1
    CARGO_PROFILE_RELEASE_DEBUG=false
)

# Runs "$@" and says how long it took.
timed() {
    local what="$1" start=$SECONDS
    shift
    "$@"
    local status=$?
    say "$what: $((SECONDS - start)) s"
    return $status
}

ensure_wasm_bindgen() {
    local want have
    want="$(lock_version wasm-bindgen)"
    [ -n "$want" ] || die "cannot read the wasm-bindgen version from Cargo.lock"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
    if [ "$have" = "$want" ]; then say "wasm-bindgen-cli $want: installed"; return; fi
    say "installing wasm-bindgen-cli $want (matches Cargo.lock; about 2 minutes)"
    # Not --locked: its lock file names a dependency version the registry no longer serves.
    timed "installing wasm-bindgen-cli" env "${TOOL_PROFILE[@]}" cargo install wasm-bindgen-cli --version "$want" >&2
}

ensure_trunk() {
    if [ "$(trunk --version 2>/dev/null | awk '{print $2}' || true)" = "$TRUNK_VERSION" ]; then
        say "trunk $TRUNK_VERSION: installed"; return
    fi
    say "installing trunk $TRUNK_VERSION (a few minutes on 2 cores)"
    # --locked: without it a newer cssparser breaks lightningcss; newer trunks need rustc 1.96.1.
    # --no-default-features: no TLS stack and no update check; `trunk build --offline` uses
    # neither (they serve `trunk serve --tls` and the check for a newer trunk).
    timed "installing trunk" env "${TOOL_PROFILE[@]}" cargo install trunk --version "$TRUNK_VERSION" --locked --no-default-features >&2
}

# wasm-split-cli splits the page's WASM into the main module and the chunks loaded on demand
# (frontend/src/on_demand.rs). Installed into target/tools, by version.
WASM_SPLIT="$ROOT/target/tools/wasm-split-$WASM_SPLIT_VERSION/bin/wasm-split-cli"
ensure_wasm_split() {
    if [ -x "$WASM_SPLIT" ]; then say "wasm-split-cli $WASM_SPLIT_VERSION: installed"; return; fi
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (under a minute)"
    timed "installing wasm-split-cli" env "${TOOL_PROFILE[@]}" cargo install wasm_split_cli_support \
        --version "$WASM_SPLIT_VERSION" --locked --features build-binary \
        --root "$ROOT/target/tools/wasm-split-$WASM_SPLIT_VERSION" >&2
}

# cargo-fuzz, for scripts/fuzz (libFuzzer targets in fuzz/; see docs/fuzzing.md).
ensure_cargo_fuzz() {
    if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)" = "$CARGO_FUZZ_VERSION" ]; then
        say "cargo-fuzz $CARGO_FUZZ_VERSION: installed"; return
    fi
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (under a minute on 2 cores)"
    env "${TOOL_PROFILE[@]}" cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked >&2
}

# Builds the page into frontend/dist (release, offline: trunk must not try to download tools).
build_frontend() {
    ensure_wasm_toolchain
    # The two tools are independent cargo installs (each in its own temporary target dir):
    # side by side, one's single-threaded stretches (build scripts, proc macros, linking) use
    # the core the other leaves idle.
    local tools=()
    ensure_wasm_bindgen & tools+=($!)
    ensure_trunk & tools+=($!)
    ensure_wasm_split & tools+=($!)
    local job
    for job in "${tools[@]}"; do
        wait "$job" || die "a build tool did not install (its output is above)"
    done
    # Compile first with plain cargo (online): on the Debian path build-std needs the standard
    # library's own dependencies from crates.io, which trunk's --offline cargo call can't fetch.
    say "compiling the page for wasm32 (cargo build --profile wasm-release)"
    (cd "$ROOT" && env "${WASM_ENV[@]}" cargo build --target wasm32-unknown-unknown \
        --manifest-path frontend/Cargo.toml --bin socklab-frontend --profile wasm-release)
    say "packaging the page (trunk build --release --offline)"
    (cd "$ROOT" && env "${WASM_ENV[@]}" trunk build --release --offline)
    split_page
    shrink_page
}

# Splits the page at its `#[wasm_split]` functions (frontend/src/on_demand.rs) and replaces
# trunk's WASM and JS glue with the main module's. cargo links the page with --emit-relocs
# (.cargo/config.toml), which is what lets wasm-split-cli see every call and move whatever only
# the split functions reach into their chunks. wasm-bindgen then runs on the main module, as
# trunk ran it on the whole, keeping the exports the chunks link against.
# Every file gets a name with its content's hash, so a browser never mixes a cached chunk with
# a newer page (trunk's own names are hashed the same way).
split_page() {
    local dist="$ROOT/frontend/dist" work="$ROOT/target/split" built stem
    built="${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/wasm-release/socklab-frontend.wasm"
    stem="$(basename "$(ls "$dist"/*_bg.wasm)" _bg.wasm)"
    rm -rf "$work" && mkdir -p "$work/bindgen"
    timed "splitting the page" "$WASM_SPLIT" "$built" "$work" --target web --out-name "$stem" \
        || die "wasm-split-cli could not split $built"
    wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
        --out-name "$stem" --out-dir "$work/bindgen" "$work/$stem.wasm" \
        || die "wasm-bindgen failed on the split page"
    cp "$work/bindgen/$stem.js" "$work/bindgen/${stem}_bg.wasm" "$dist/"
    python3 - "$work" "$dist" "$stem" <<'PY'
import hashlib, pathlib, sys
work, dist, stem = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
def hashed(name, data):
    base, dot, ext = name.rpartition(".")
    return f"{base}-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
loader = (work / "__wasm_split.js").read_text()
# split_<name>.wasm: one per split; chunk_<n>.wasm: code that several splits share.
for chunk in sorted([*work.glob("split_*.wasm"), *work.glob("chunk_*.wasm")]):
    data = chunk.read_bytes()
    new = hashed(chunk.name, data)
    (dist / new).write_bytes(data)
    loader = loader.replace(f'"./{chunk.name}"', f'"./{new}"')
    print(f"chunk {new}: {len(data)} bytes", file=sys.stderr)
loader_name = hashed("__wasm_split.js", loader.encode())
(dist / loader_name).write_text(loader)
glue = dist / f"{stem}.js"
text = glue.read_text()
# Only the module path the glue imports from changes (once per split); the key the WASM
# names stays.
old = 'from "./__wasm_split.js"'
assert old in text, f"{glue}: no import of ./__wasm_split.js"
glue.write_text(text.replace(old, f'from "./{loader_name}"'))
PY
}

# binaryen's wasm-opt, from the npm registry (Debian's binaryen 108 is too old: it retypes
# wasm-bindgen's externref table and the page fails to start). Installed into target/tools.
BINARYEN_VERSION=132
WASM_OPT="$ROOT/target/tools/binaryen/node_modules/.bin/wasm-opt"
ensure_wasm_opt() {
    if [ -x "$WASM_OPT" ] && "$WASM_OPT" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
        say "wasm-opt $BINARYEN_VERSION: installed"; return 0
    fi
    command -v npm >/dev/null || { say "npm is missing: the page is not run through wasm-opt (it stays larger)"; return 1; }
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    mkdir -p "$ROOT/target/tools/binaryen"
    (cd "$ROOT/target/tools/binaryen" && timed "installing binaryen" npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >&2) \
        || { say "binaryen did not install: the page is not run through wasm-opt"; return 1; }
}

# wasm-opt shrinks the page's WASM (trunk is told not to fetch its own); the integrity hashes
# trunk wrote for it are recomputed; every text asset and the WASM are stored gzipped beside
# themselves, which the server sends as they are.
shrink_page() {
    local dist="$ROOT/frontend/dist" wasm
    if ensure_wasm_opt; then
        # wasm-opt takes ~12 s for the main module and 1-7 s a chunk, two at a time (the main
        # module first, beside the chunks). An unchanged file reuses its last result (keyed by
        # the input's hash and binaryen's version), so a second scripts/run starts in seconds.
        local cache="$ROOT/target/wasm-opt-cache" keep=() running=0
        mkdir -p "$cache"
        for wasm in "$dist"/*_bg.wasm "$dist"/split_*.wasm "$dist"/chunk_*.wasm; do
            [ -e "$wasm" ] || continue
            keep+=("$(wasm_opt_key "$wasm")")
            optimise_wasm "$wasm" "$cache" &
            running=$((running + 1))
            if [ "$running" -ge 2 ]; then wait -n || true; running=$((running - 1)); fi
        done
        wait
        # The cache holds the current page's files only.
        local key
        for key in "$cache"/*.wasm; do
            [[ " ${keep[*]} " == *" $(basename "$key") "* ]] || rm -f "$key"
        done
    fi
    # trunk's preload links name the main WASM and JS with their hashes; both changed.
    for wasm in "$dist"/*_bg.wasm "$dist"/socklab-frontend-*[0-9a-f].js; do
        fix_integrity "$dist/index.html" "$wasm"
    done
    local f
    for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/index.html; do
        gzip -9 -k -f -n "$f"
    done
}

# The wasm-opt cache's name for the result of optimising `wasm`.
wasm_opt_key() {
    echo "$(sha256sum "$1" | cut -c1-64)-binaryen$BINARYEN_VERSION-Oz.wasm"
}

# wasm-opt -Oz on one file in place, or its cached result; a failure leaves the file as it was.
optimise_wasm() {
    local wasm="$1" cache="$2" key before after start=$SECONDS
    key="$(wasm_opt_key "$wasm")"
    before=$(stat -c %s "$wasm")
    if [ -f "$cache/$key" ]; then
        cp "$cache/$key" "$wasm" && say "wasm-opt: $(basename "$wasm") is unchanged, its last result reused"
        return
    fi
    # (wasm-opt warns about a name subsection it does not know; the output is unaffected.)
    if "$WASM_OPT" -Oz "$wasm" -o "$wasm.opt" 2>/dev/null && mv "$wasm.opt" "$wasm"; then
        cp "$wasm" "$cache/$key"
        after=$(stat -c %s "$wasm")
        say "wasm-opt -Oz $(basename "$wasm"): $before → $after bytes in $((SECONDS - start)) s"
    else
        rm -f "$wasm.opt"
        say "wasm-opt failed on $(basename "$wasm"): it is served as it is (larger)"
    fi
}

# Rewrites the sha384 integrity of `file` in `html` (trunk's preload link for it).
fix_integrity() {
    local html="$1" file="$2" name hash
    name="$(basename "$file")"
    hash="sha384-$(openssl dgst -sha384 -binary "$file" | base64 -w0)"
    python3 - "$html" "$name" "$hash" <<'PY'
import re, sys
path, name, new = sys.argv[1:]
text = open(path).read()
pattern = re.compile(r'(<link[^>]*' + re.escape(name) + r'[^>]*integrity=")[^"]*(")')
text, n = pattern.subn(lambda m: m.group(1) + new + m.group(2), text)
open(path, "w").write(text)
print(f"integrity of {name}: {n} link(s) updated", file=sys.stderr)
PY
}

# The page's size as a student downloads it, gzipped: what loads before the page starts (the
# main WASM and the JS), what the first socket brings (its card, the timeline, the Python
# panel, and the code they share with other chunks), and each chunk loaded on demand
# (frontend/src/on_demand.rs). Fails when the start is over the budget, so it cannot creep
# back up.
PAGE_BUDGET_KB="${SOCKLAB_PAGE_BUDGET_KB:-325}"
check_page_size() {
    python3 - "$ROOT/frontend/dist" "$PAGE_BUDGET_KB" <<'PY' || die "the page grew over its budget of $PAGE_BUDGET_KB KB gzipped to start"
import gzip, pathlib, re, sys
dist, budget = pathlib.Path(sys.argv[1]), int(sys.argv[2])
def kb(files):
    return sum(len(gzip.compress(f.read_bytes(), 9, mtime=0)) for f in files) // 1024
def say(text):
    print(f"\033[1m[socklab]\033[0m {text}", file=sys.stderr)
start = [*dist.glob("*_bg.wasm"), *dist.glob("*.js")]
splits = {f.name.split("-")[0][len("split_"):]: f for f in dist.glob("split_*.wasm")}
# The loader names, above each shared chunk, the splits that need it: /* cable, sockets */
loader = next(dist.glob("__wasm_split-*.js")).read_text()
shared = {
    chunk: {name.strip() for name in users.split(",")}
    for users, chunk in re.findall(r'/\* ([^*]*) \*/\s*const __chunk_\d+ = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\./([^"]+)"', loader)
}
def closure(names):
    return [splits[n] for n in names if n in splits] + [
        dist / chunk for chunk, users in shared.items() if users & set(names)]
for name, f in sorted(splits.items()):
    say(f"  on demand: {name}: {kb(closure([name]))} KB gzipped (with the code it shares)")
first = kb(start)
socket = kb(closure(["sockets"]))
every = kb([*splits.values(), *(dist / c for c in shared)])
say(f"page size: {first} KB gzipped to start (WASM + JS; budget {budget} KB, goal 350 KB); "
    f"the first socket brings {socket} KB more; all the chunks together are {every} KB")
sys.exit(0 if first <= budget else 1)
PY
}

# tshark reads the wire's pcap files in the tests (same packets as the page showed).
ensure_tshark() {
    if command -v tshark >/dev/null; then say "tshark: installed"; return; fi
    # The package asks whether non-root users may capture; the tests only read files.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections 2>/dev/null || true
    apt_install tshark
}

# nginx for the reverse-proxy test (docs/deploy/nginx.conf). Installed without starting the
# system's own nginx service: the test runs its own on a free port.
ensure_nginx() {
    if command -v nginx >/dev/null; then say "nginx: installed"; return; fi
    command -v apt-get >/dev/null || { say "nginx missing: the proxy test will say SKIPPED"; return; }
    local guard=/usr/sbin/policy-rc.d
    if [ ! -e "$guard" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$guard" >/dev/null
        as_root chmod +x "$guard"
        apt_install nginx
        as_root rm -f "$guard"
    else
        apt_install nginx
    fi
}

ensure_chromium() {
    local missing=()
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    if [ ${#missing[@]} -eq 0 ]; then say "chromium + chromedriver: installed"; return; fi
    apt_install "${missing[@]}"
}
