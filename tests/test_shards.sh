#!/bin/sh
# An index in two shards, one local and one remote (xapian-tcpsrv on
# loopback: a read-only server for searches, a writable one for writes),
# searched as one through newsq and the daemon; a shard that stops
# answering, partial answers, and the shard coming back.
. "$(dirname "$0")/lib.sh"

command -v xapian-tcpsrv >/dev/null || skip_all "no xapian-tcpsrv (Debian xapian-tools)"

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {   # until something listens on 127.0.0.1:$1
    for _i in $(seq 100); do
        /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" \
            2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
# xapian-tcpsrv signals its whole process group when it stops, so each
# runs in a session of its own.  It can also hang in its SIGTERM handler
# (seen once, in a futex): it is then killed, and it never holds the
# test's output, which would keep the harness waiting for ever.
stop_server() {
    [ -n "${1:-}" ] || return 0
    kill "$1" 2>/dev/null || return 0
    for _i in $(seq 40); do
        _s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
        case "$_s" in ""|Z) break ;; esac
        sleep 0.05
    done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
WPID= RPID=
trap 'stop_server "$WPID"; stop_server "$RPID"; _cleanup' EXIT
RPORT=$(free_port)
WPORT=$(free_port)
mkdir -p "$TMP/remote"
setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$WPORT" --writable "$TMP/remote" \
    </dev/null >/dev/null 2>>"$TMP/tcpsrv.log" 3>&- &
WPID=$!
wait_port "$WPORT"
start_reader() {
    setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$RPORT" "$TMP/remote" \
        </dev/null >/dev/null 2>>"$TMP/tcpsrv.log" 3>&- &
    RPID=$!
    wait_port "$RPORT"
}
start_reader

CONF="$TMP/shards.conf"
cat >"$CONF" <<C
[shards]
shard = $TMP/local
shard = 127.0.0.1:$RPORT 127.0.0.1:$WPORT
timeout = 2s
C

fails "add without --shards is refused when shards are configured" \
    "$NEWSIDX" --config "$CONF" add --quiet "$EXAMPLES"
ok "add --shards places the articles" "$NEWSIDX" --config "$CONF" add --shards --quiet "$EXAMPLES"
out=$("$NEWSIDX" --config "$CONF" stats --json)
is "twelve articles over both shards" "$(json_get "$out" 'd["documents"]')" 12
is "two shards" "$(json_get "$out" 'len(d["shards"])')" 2
like "both hold some" "$(json_get "$out" 'min(s["documents"] for s in d["shards"])')" '^[1-9]'
ok "adding them again" "$NEWSIDX" --config "$CONF" add --shards --quiet "$EXAMPLES"
out=$("$NEWSIDX" --config "$CONF" stats --json)
is "replaces in place: still twelve" "$(json_get "$out" 'd["documents"]')" 12

out=$("$NEWSQ" --config "$CONF" --json '"Article Five"')
is "a phrase search finds the article on whichever shard holds it" "$(json_get "$out" 'd["total"]')" 1
all=$("$NEWSQ" --config "$CONF" --json --limit 20 said)
is "a search sees all twelve" "$(json_get "$all" 'd["total"]')" 12
out=$("$NEWSQ" --config "$CONF" --json --facets said)
like "facets over a remote shard say how they count" "$(json_get "$out" 'd.get("notes")')" "first eight"
id=$(json_get "$all" 'd["hits"][0]["id"]')
ok "get finds an article on any shard" "$NEWSIDX" --config "$CONF" get "$id"
"$NEWSIDX" --db "$TMP/lone" add --quiet "$EXAMPLES/court-hague-wadden.txt"
is "export --db reads that database, not the shards" \
    "$("$NEWSIDX" --config "$CONF" export --db "$TMP/lone" 2>/dev/null | wc -l)" 1

# The read-only server of the remote shard stops.
stop_server "$RPID"
out=$("$NEWSQ" --config "$CONF" --json said 2>&1); rc=$?
is "without it a search is refused" "$rc" 3
like "naming the shard" "$out" "shard 127.0.0.1:$RPORT does not answer"
out=$("$NEWSQ" --config "$CONF" --json --partial --limit 20 said)
is "a partial answer names the missing shard" "$(json_get "$out" 'd["missing_shards"]')" "[\"127.0.0.1:$RPORT\"]"
local_n=$(json_get "$("$NEWSIDX" --config "$CONF" stats --json)" '[s["documents"] for s in d["shards"] if s["up"]][0]')
is "and has the other shard's articles" "$(json_get "$out" 'd["total"]')" "$local_n"

# The daemon over the same shards: a shard coming back is used again
# without restarting it.
SOCK="$TMP/d.sock"
"$NEWSIDXD" --foreground --config "$CONF" --socket "$SOCK" 2>"$TMP/d.log" &
DPID=$!
# Up to 30 s for the daemon to listen: on a loaded machine loading the
# gazetteer alone can take seconds.
for _i in $(seq 600); do [ -S "$SOCK" ] && break; sleep 0.05; done
out=$("$NEWSQ" --socket "$SOCK" --json --partial said)
is "the daemon answers from the shard that is up" "$(json_get "$out" 'd["total"]')" "$local_n"
start_reader
# Shards that failed are tried again a while later: ask until the answer
# is whole (at most 30 s), rather than sleeping for the retry interval.
total=
for _i in $(seq 300); do
    out=$("$NEWSQ" --socket "$SOCK" --json --limit 20 said 2>/dev/null) &&
        total=$(json_get "$out" 'd["total"]') && [ "$total" = 12 ] && break
    sleep 0.1
done
is "the daemon uses the shard again once it is back" "$total" 12
kill "$DPID"; wait "$DPID"
is "the daemon stops cleanly" "$?" 0
done_testing
