#!/bin/sh
# The fuzz targets without libFuzzer (fuzz/replay.c): each replays its
# seed corpus (fuzz/corpus/TARGET) and the inputs that once crashed it
# (tests/regress/TARGET), built with this build's compiler and sanitizers.
. "$(dirname "$0")/lib.sh"

for t in request article query headers nitf newsml_g2 newsml1 ninjs feeds anpa iptc7901; do
    ok "replay the $t seed corpus" "$BUILDDIR/fuzz/replay_$t" "$SRCDIR/fuzz/corpus/$t"
    if [ -d "$SRCDIR/tests/regress/$t" ]; then
        for f in "$SRCDIR/tests/regress/$t"/*; do
            [ -f "$f" ] || continue
            ok "replay $t regression $(basename "$f")" "$BUILDDIR/fuzz/replay_$t" "$f"
        done
    fi
done

done_testing
