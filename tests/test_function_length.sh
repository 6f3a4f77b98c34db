#!/bin/sh
# No function of src/ runs over 100 lines (HACKING: functions that fit a
# screen).  tests/function_length.py counts them; the first checks show
# that it finds a long one, so that a quiet answer means something.
. "$(dirname "$0")/lib.sh"

CHECK="${PYTHON3:-python3} $SRCDIR/tests/function_length.py"

# A function of 101 lines, and one of 100 with braces, a comment and
# strings that hold braces of their own.
long_function() {   # long_function NAME BODY_LINES
    printf 'static int %s(int x)\n{\n' "$1"
    _i=0
    while [ "$_i" -lt "$2" ]; do
        printf '    x += %d; /* { */ x += "}"[0] + '"'{'"';\n' "$_i"
        _i=$((_i + 1))
    done
    printf '}\n'
}
mkdir -p "$TMP/src"
{ long_function too_long 98; long_function fits 97; } >"$TMP/src/sample.c"
out=$($CHECK "$TMP/src"); rc=$?
is "a function of 101 lines is found (exit status)" "$rc" 1
is "a function of 101 lines is found, and one of 100 is not" "$out" \
    "$TMP/src/sample.c:1 too_long 101"
printf 'struct s { int a; };\nnamespace n {\nclass C {\n  int f() const\n  {\n    return 1;\n  }\n};\n}\n' \
    >"$TMP/src/sample.cc"
is "methods inside a namespace and a class are counted" \
    "$($CHECK --max 2 "$TMP/src/sample.cc")" "$TMP/src/sample.cc:4 f 4"
printf 'int f(void)\n{\n' >"$TMP/src/broken.c"
fails "a file whose braces do not balance is an error" $CHECK "$TMP/src/broken.c"

out=$(cd "$SRCDIR" && $CHECK src); rc=$?
is "no function of src/ runs over 100 lines" "$out" ""
is "the check of src/ ran to its end" "$rc" 0
like "the check reads the tree (a function of 41 lines or more is listed at --max 40)" \
    "$($CHECK --max 40 "$SRCDIR/src")" 'search\.cc:[0-9]+ [A-Za-z_:]+ [0-9]+'
done_testing
