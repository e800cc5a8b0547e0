#!/usr/bin/env bash
# Runs every test of ChatFlows: builds the solution, checks formatting, runs all xunit suites, then checks what the
# tests sent to Slack and Teams against Slack's and Microsoft's own specifications (README §Conformance).
# Usage: ./test.sh            (from the repository root; needs the .NET SDK, and installs Debian's Chromium, Node.js,
#                              npm, PostgreSQL, Dovecot and Postfix when they are missing)
set -euo pipefail
cd "$(dirname "$0")"

# Installs Debian packages the tests need when <command> is missing: apt-get as root, or through sudo (never waiting
# for a password when there is no terminal to type it into, as in CI).
# Usage: require <command> <why> <package>…
require() {
  local command=$1 why=$2
  shift 2
  command -v "$command" >/dev/null 2>&1 && return 0
  echo "==> Installing $* for $why ($command is missing)"
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "Cannot install $*: not root and sudo is missing. Install with 'apt-get install $*' as root, then run ./test.sh again."
      exit 1
    fi
    if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
  fi
  local prefix="${as_root[*]:+${as_root[*]} }"
  echo "+ ${prefix}apt-get update"
  echo "+ ${prefix}apt-get install -y $*"
  if ! "${as_root[@]}" apt-get update -q || ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; then
    echo "Could not install $* with apt-get (see above); install the Debian package(s) by hand, then run ./test.sh again."
    exit 1
  fi
  command -v "$command" >/dev/null 2>&1 || { echo "apt-get installed $*, but $command is still missing."; exit 1; }
}

# The browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded by the tests themselves.
require chromium "the browser tests" chromium
# The conformance step runs the platforms' own validators (npm packages) under Node.js.
require node "the conformance step" nodejs
require npm "the conformance step" npm
# tool/sql tests start a private PostgreSQL server with initdb and pg_ctl (README §Tests); Debian keeps them under
# /usr/lib/postgresql/<version>/bin, off the PATH, and its package postgresql brings them with pg_ctlcluster.
has_postgres() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}
if ! has_postgres; then
  require pg_ctlcluster "the PostgreSQL tests" postgresql
  has_postgres || { echo "The postgresql package is installed, but initdb and pg_ctl are not under /usr/lib/postgresql/*/bin."; exit 1; }
fi
# The mail tests start a private Dovecot (IMAP, and LMTP for delivery) and Postfix (SMTP, delivering into Dovecot) on
# free loopback ports with configuration in a temporary folder; the system's own mail services are never used.
require /usr/lib/dovecot/imap "the mail tests (IMAP server)" dovecot-imapd
require /usr/lib/dovecot/lmtp "the mail tests (local delivery)" dovecot-lmtpd
require /usr/sbin/postfix "the mail tests (SMTP server)" postfix

echo "==> Restoring and building (Release)"
dotnet build ChatFlows.sln -c Release --nologo -v quiet

echo "==> Checking code style (dotnet format)"
dotnet format ChatFlows.sln --verify-no-changes --no-restore -v quiet \
  || { echo "Formatting differs from .editorconfig: run 'dotnet format ChatFlows.sln' and commit the result."; exit 1; }

# One PostgreSQL server for every suite (README §Tests): the storage tests, the tool/sql tests and the shared-host suite's
# second pass each create databases of their own on it. A server named in CHATFLOWS_TEST_POSTGRES is used as it is;
# otherwise one is started here on a free loopback port, in a temporary folder of its own (data, socket and log),
# and stopped and deleted when this script ends, whether the tests pass, fail or are interrupted.
postgres_folder=""
postgres_bin=""
# As root, the server runs as the postgres system user (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  [ -n "$postgres_folder" ] || return 0
  if [ -f "$postgres_folder/data/postmaster.pid" ]; then
    as_postgres "$postgres_bin/pg_ctl" -D "$postgres_folder/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$postgres_folder"
  postgres_folder=""
}
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_postgres() {
  local bin
  # The newest version Debian installed (under /usr/lib/postgresql/<version>/bin, off the PATH), else the PATH's.
  for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n); do
    [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && postgres_bin=$bin
  done
  [ -n "$postgres_bin" ] || postgres_bin=$(dirname "$(command -v initdb)")
  postgres_folder=$(mktemp -d "${TMPDIR:-/tmp}/chatflows-test-pg-XXXXXX")
  chmod 755 "$postgres_folder"
  [ "$(id -u)" -ne 0 ] || chown postgres "$postgres_folder"
  if ! as_postgres "$postgres_bin/initdb" -D "$postgres_folder/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$postgres_folder/initdb.log" 2>&1; then
    echo "PostgreSQL for the tests: initdb failed:"
    cat "$postgres_folder/initdb.log"
    exit 1
  fi
  local port
  for _ in 1 2 3 4 5; do
    # A port nothing answers on; should another program take it first, the start fails and the next one is tried.
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    # max_connections: every test database keeps a small pool of its own while its suite runs.
    if as_postgres "$postgres_bin/pg_ctl" -D "$postgres_folder/data" -l "$postgres_folder/server.log" -w -t 60 \
      -o "-p $port -k $postgres_folder -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null 2>&1; then
      export CHATFLOWS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      echo "==> PostgreSQL for the tests: 127.0.0.1:$port (PostgreSQL $("$postgres_bin/postgres" --version | awk '{print $3}'), in $postgres_folder; stopped when the tests end)"
      return 0
    fi
    grep -q "Address already in use" "$postgres_folder/server.log" 2>/dev/null || break
  done
  echo "PostgreSQL for the tests did not start on 127.0.0.1:$port; its log ($postgres_folder/server.log):"
  cat "$postgres_folder/server.log" 2>/dev/null || echo "(no log)"
  exit 1
}
if [ -n "${CHATFLOWS_TEST_POSTGRES:-}" ]; then
  echo "==> PostgreSQL for the tests: the server named in CHATFLOWS_TEST_POSTGRES"
else
  start_postgres
fi

echo "==> Running tests"
log=$(mktemp)
# The Slack and Teams fakes write every payload they receive here, for the conformance step below.
export CHATFLOWS_CONFORMANCE_DIR
CHATFLOWS_CONFORMANCE_DIR=$(mktemp -d)
# Suites that generate their cases (the engine model, the fuzz test) append how many they checked here.
export CHATFLOWS_TEST_SUMMARY
CHATFLOWS_TEST_SUMMARY=$(mktemp)
set +e
dotnet test ChatFlows.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The product's acceptance on PostgreSQL: the shared-host suite (every test class on HostFixture's shared host carries
# the trait Host=shared) again, the host storing everything in a fresh database on the server above.
echo "==> Running the shared-host suite again with ChatFlows:Storage:Provider=postgres"
CHATFLOWS_TEST_STORAGE=postgres dotnet test tests/ChatFlows.Bot.Tests -c Release --no-build --nologo --filter "Host=shared" 2>&1 | tee -a "$log"
postgres_status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then status=$postgres_status; fi
set -e

cat "$CHATFLOWS_TEST_SUMMARY"
rm -f "$CHATFLOWS_TEST_SUMMARY"

echo "==> Checking what the tests sent against the Slack and Microsoft specifications"
conformance=0
conformance_log=$(mktemp)
if npm ci --prefix tests/conformance --no-audit --no-fund --loglevel=error >/dev/null; then
  # The self-test feeds the checker known-bad payloads first, so a checker that reports nothing cannot pass.
  node tests/conformance/self-test.mjs || conformance=1
  node tests/conformance/check.mjs "$CHATFLOWS_CONFORMANCE_DIR" > "$conformance_log" || conformance=1
  grep -v '^conformance: ' "$conformance_log" || true
else
  echo "conformance: npm ci --prefix tests/conformance failed (see above)" > "$conformance_log"
  conformance=1
fi
rm -rf "$CHATFLOWS_CONFORMANCE_DIR"

# One closing line over all suites, e.g. "tests: 120 passed, 0 failed, 0 skipped".
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  failed  += $(i+1)
         if ($i == "Passed:")  passed  += $(i+1)
         if ($i == "Skipped:") skipped += $(i+1)
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
rm -f "$log"
# e.g. "conformance: 412 payloads checked (slack 180, teams 120, cards 110, manifests 2), 0 violations"
grep '^conformance: ' "$conformance_log" | tail -1
rm -f "$conformance_log"
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$conformance"
