# Shared by scripts/run and scripts/test: make sure what the build needs is on the machine, or say
# exactly what is missing.

apt_install() {
  # Installs Debian packages when we can (root, or sudo without a password); otherwise names them.
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "Thiếu gói hệ thống: ${missing[*]}. Cài bằng: sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "Thiếu gói hệ thống: ${missing[*]} (máy không có apt-get: hãy cài bằng trình quản lý gói của máy)." >&2
    exit 1
  fi
  echo "Cài gói hệ thống: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_build_tools() {
  if ! command -v cargo >/dev/null; then
    echo "Thiếu Rust (cargo). Cài bằng rustup: https://rustup.rs (curl --proto '=https' -sSf https://sh.rustup.rs | sh), rồi mở lại terminal." >&2
    exit 1
  fi
  local need=()
  command -v cc >/dev/null || need+=(build-essential)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  # The ledger is encrypted by SQLCipher, which links the system's libcrypto; the OS key store
  # (Secret Service) is reached over D-Bus.
  [ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
  pkg-config --exists dbus-1 2>/dev/null || need+=(libdbus-1-dev)
  apt_install "${need[@]}"
}

ensure_webkit() {
  # The desktop app (Tauri v2) builds and runs against WebKitGTK 4.1.
  if ! pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
    apt_install libwebkit2gtk-4.1-dev
  fi
}

ensure_browser() {
  # The office's web app is tested in a real browser (district/tests/office_browser.rs).
  local need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  apt_install "${need[@]}"
}

ensure_e2e_tools() {
  # End-to-end tests of the real window: Xvfb, WebKitWebDriver, pdftotext, and tauri-driver; of the
  # office's web app (issue 20): Debian's Chromium and its ChromeDriver (ensure_browser).
  ensure_browser
  local need=()
  command -v xvfb-run >/dev/null || need+=(xvfb)
  command -v xauth >/dev/null || need+=(xauth)
  command -v WebKitWebDriver >/dev/null || need+=(webkit2gtk-driver)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  apt_install "${need[@]}"
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v tauri-driver >/dev/null; then
    echo "Cài tauri-driver (cargo install tauri-driver --locked, khoảng 1–2 phút)…" >&2
    cargo install tauri-driver --locked --quiet
  fi
}

ensure_python_module() {
  # A Python package from PyPI that a test uses (e.g. xlwt to write .xls). The second argument is
  # the pip requirement when it is not the module's name; pinned with ==, another installed
  # version is replaced by it.
  local module="$1" requirement="${2:-$1}"
  command -v python3 >/dev/null || apt_install python3 python3-pip
  if python3 -c "import $module" 2>/dev/null; then
    case "$requirement" in
      *==*)
        local name="${requirement%%==*}" version="${requirement##*==}"
        python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('$name') != '$version')" \
          2>/dev/null && return 0 ;;
      *) return 0 ;;
    esac
  fi
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  echo "Cài gói Python: $requirement" >&2
  python3 -m pip install --quiet --disable-pip-version-check "$requirement" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$requirement"
}

ensure_api_contract_tools() {
  # The hub's API contract test (district/tests/api_contract.rs) validates district/openapi.yaml
  # and runs schemathesis against the live hub, signing each request with ed25519.
  ensure_python_module openapi_spec_validator "openapi-spec-validator==0.9.0"
  ensure_python_module schemathesis "schemathesis==4.32.5"
  ensure_python_module cryptography
}

ensure_node_modules() {
  # The window's type check (tsc --checkJs against ui/types/bindings.d.ts) runs TypeScript from the
  # npm registry, at the version package-lock.json pins. `npm ci` installs exactly that; it is
  # skipped when node_modules already has it.
  local need=()
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  apt_install "${need[@]}"
  local want have
  want="$(node -p 'require("./package-lock.json").packages["node_modules/typescript"].version')"
  have="$(node -p 'try { require("./node_modules/typescript/package.json").version } catch (e) { "" }')"
  if [ "$want" != "$have" ]; then
    echo "Cài gói npm của phần kiểm tra kiểu (npm ci: typescript $want)…" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

check_window_types() {
  # ui/js (plain ES modules with JSDoc) against the declarations generated from the Rust types:
  # a renamed field, argument, command or enum value fails here.
  ensure_node_modules
  echo "== tsc --checkJs (the window against ui/types/bindings.d.ts)"
  node_modules/.bin/tsc -p tsconfig.json
}

ensure_windows_cross_tools() {
  # Cross-building the Windows binaries (x86_64-pc-windows-gnu) from Linux: Rust's standard
  # library for that target, the mingw-w64 C compiler, linker and windres (SQLCipher, the vendored
  # OpenSSL it encrypts with, the desktop's icon and manifest), and perl and make for OpenSSL's
  # own build. The MSVC target cannot be used here (its SDK is not reachable).
  ensure_build_tools
  local need=()
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  command -v perl >/dev/null || need+=(perl)
  command -v make >/dev/null || need+=(make)
  apt_install "${need[@]}"
  if ! command -v rustup >/dev/null; then
    echo "Thiếu rustup: cần nó để thêm đích x86_64-pc-windows-gnu (rustup target add x86_64-pc-windows-gnu)." >&2
    exit 1
  fi
  if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "Thêm đích biên dịch x86_64-pc-windows-gnu (rustup target add)…" >&2
    rustup target add x86_64-pc-windows-gnu >/dev/null
  fi
}

ensure_wine() {
  # Runs the Windows command line (paypoint.exe) here, for its tests. Wine cannot run the desktop
  # app: there is no WebView2 runtime under Wine. Quiet (no debug channels, no offer to install
  # Mono or Gecko), in $WINEPREFIX (default ~/.wine), made on first use.
  command -v wine >/dev/null || apt_install wine64 wine
  command -v x86_64-w64-mingw32-gcc >/dev/null || apt_install gcc-mingw-w64-x86-64
  export WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
  local system32="${WINEPREFIX:-$HOME/.wine}/drive_c/windows/system32"
  if [ ! -d "$system32" ]; then
    echo "Tạo môi trường Wine (wineboot)…" >&2
    wineboot -i >/dev/null 2>&1 || true
  fi
  # Rust programs need bcryptprimitives.dll (every Windows 10 and 11 has it; Wine from 8.13).
  # Debian 12's Wine 8.0 lacks it: put our stand-in in the prefix (scripts/wine/, never shipped).
  if [ ! -f "$system32/bcryptprimitives.dll" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$system32/bcryptprimitives.dll" \
      scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
  fi
}

ensure_nsis() {
  # The Windows setup (packaging/windows/sochitra.nsi) is built with Debian's makensis, whose
  # stubs include amd64-unicode.
  command -v makensis >/dev/null || apt_install nsis
}

ensure_postgres() {
  # The hub's store on PostgreSQL (PAYPOINT_TEST_STORE=postgres): scripts/pg-test-server runs
  # Debian's server binaries (/usr/lib/postgresql/VERSION/bin), the test kit its createdb and psql.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_install postgresql postgresql-client
}
