# tests/lib.sh - TAP helpers for the shell tests, sourced by each test.
#
# Each check prints "ok N - what" or "not ok N - what"; done_testing
# prints the plan.  Tests run against the binaries of the build tree
# ($BUILDDIR) and real databases in a temporary directory removed on exit.

set -u
: "${BUILDDIR:=$(pwd)}"
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
NEWSIDX="$BUILDDIR/newsidx"
NEWSQ="$BUILDDIR/newsq"
NEWSIDXD="$BUILDDIR/newsidxd"
EXAMPLES="$SRCDIR/examples/articles"
SHARED="$SRCDIR/../shared"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-test.XXXXXX")
export NEWSIDX_CONFIG=/dev/null    # built-in defaults, not the user's file
export XDG_DATA_HOME="$TMP/data" XDG_RUNTIME_DIR="$TMP/run" XDG_CONFIG_HOME="$TMP/config"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# $NX_TEST_WRAPPER runs every program under a tool (make check-valgrind):
# the tests call scripts that exec it.
if [ -n "${NX_TEST_WRAPPER:-}" ]; then
    mkdir -p "$TMP/bin"
    for _p in newsidx newsq newsidxd; do
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$NX_TEST_WRAPPER" "$BUILDDIR/$_p" >"$TMP/bin/$_p"
        chmod +x "$TMP/bin/$_p"
    done
    NEWSIDX="$TMP/bin/newsidx" NEWSQ="$TMP/bin/newsq" NEWSIDXD="$TMP/bin/newsidxd"
fi
unset NEWSIDX_DB NEWSIDX_SOCKET
_n=0
_failed=0
_cleanup() { [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"; }
trap _cleanup EXIT

ok() {      # ok DESCRIPTION COMMAND...: passes when the command succeeds
    _d=$1; shift
    _n=$((_n + 1))
    if "$@" >"$TMP/.out" 2>&1; then
        echo "ok $_n - $_d"
    else
        echo "not ok $_n - $_d"
        sed 's/^/# /' "$TMP/.out" | head -20
        _failed=$((_failed + 1))
    fi
}

fails() {   # fails DESCRIPTION COMMAND...: passes when the command fails
    _d=$1; shift
    _n=$((_n + 1))
    if "$@" >"$TMP/.out" 2>&1; then
        echo "not ok $_n - $_d (command succeeded)"
        sed 's/^/# /' "$TMP/.out" | head -20
        _failed=$((_failed + 1))
    else
        echo "ok $_n - $_d"
    fi
}

is() {      # is DESCRIPTION GOT EXPECTED
    _n=$((_n + 1))
    if [ "$2" = "$3" ]; then
        echo "ok $_n - $1"
    else
        echo "not ok $_n - $1"
        echo "#   got:      '$2'"
        echo "#   expected: '$3'"
        _failed=$((_failed + 1))
    fi
}

like() {    # like DESCRIPTION TEXT PATTERN (grep -E)
    _n=$((_n + 1))
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        echo "ok $_n - $1"
    else
        echo "not ok $_n - $1"
        printf '%s\n' "$2" | head -10 | sed 's/^/#   got: /'
        echo "#   wanted match: $3"
        _failed=$((_failed + 1))
    fi
}

at_most() {  # at_most DESCRIPTION GOT LIMIT: GOT is a whole number <= LIMIT
    _n=$((_n + 1))
    if printf '%s' "$2" | grep -Eq '^[0-9]+$' && [ "$2" -le "$3" ]; then
        echo "ok $_n - $1"
    else
        echo "not ok $_n - $1"
        echo "#   got:      '$2'"
        echo "#   at most:  $3"
        _failed=$((_failed + 1))
    fi
}

unlike() {  # unlike DESCRIPTION TEXT PATTERN
    _n=$((_n + 1))
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        echo "not ok $_n - $1"
        printf '%s\n' "$2" | grep -E -- "$3" | head -5 | sed 's/^/#   matched: /'
        _failed=$((_failed + 1))
    else
        echo "ok $_n - $1"
    fi
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

skip() {    # skip COUNT REASON: counted as skipped, not passed
    _i=0
    while [ "$_i" -lt "$1" ]; do
        _n=$((_n + 1)); _i=$((_i + 1))
        echo "ok $_n # SKIP $2"
    done
}

done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

# JSON field extraction through Python (Debian's python3), e.g.
#   json_get "$out" 'd["hits"][0]["id"]'
json_get() {
    printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); v=$2; print(v if not isinstance(v,(list,dict)) else json.dumps(v))"
}
