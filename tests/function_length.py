#!/usr/bin/env python3
"""function_length.py - lists the C and C++ functions longer than a limit.

    tests/function_length.py [--max N] PATH...

Every .c, .cc, .h and .hh file below each PATH is read as text: comments,
string and character literals and preprocessor lines are passed over,
and the braces that are left are counted.  A block at file, namespace,
extern "C" or class level whose header ends in ')' (or in const,
noexcept, override, final, or a trailing return type) is a function; its
length runs from the line where its header starts to the line of its
closing brace.  Prints "FILE:LINE NAME LINES" for each function longer
than N lines (default 100), longest first, and exits 1 when there is
one, 2 when a file cannot be read or its braces do not balance."""

import os
import re
import sys

SOURCE_ENDINGS = (".c", ".cc", ".h", ".hh")
DEFAULT_MAX_LINES = 100
CONTAINER = re.compile(r'^(?:template\s*<.*>\s*)?(?:namespace\b|extern\s*"C"|'
                       r'(?:class|struct|union)\b[^=()]*$)', re.S)
FUNCTION_END = re.compile(r'(?:\)|\bconst|\bnoexcept|\boverride|\bfinal|->\s*[\w:<>,\s*&]+)\s*$')
CONTROL = re.compile(r'^(?:if|for|while|switch|catch|do|else|return)\b')
NAME = re.compile(r'([~\w:]+(?:\s*operator\s*\S+?)?)\s*\(')


def code_of(text):
    """The text with comments, literals and preprocessor lines blanked,
    newlines kept, so that offsets and line numbers stay as they were."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(c)
            at_line_start = True
            i += 1
            continue
        if at_line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if at_line_start and c == "#":
            # a preprocessor line, with its continuations
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append("\n")
                    i += 2
                    continue
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'R"([^()\\\s]{0,16})\(', text[i:i + 20]) if c == "R" else None
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + len(raw.group(0)))
            end = n if end < 0 else end + len(close)
            out.append('""' + re.sub(r"[^\n]", "", text[i:end]))
            i = end
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line) of each function of a file."""
    code = code_of(open(path, encoding="utf-8", errors="replace").read())
    found = []
    # each open block: ("container" | "function" | "other", header line, name)
    stack = []
    header_start = 0
    depth_in_function = 0
    for m in re.finditer(r"[{};]", code):
        ch, at = m.group(), m.start()
        if depth_in_function:
            if ch == "{":
                depth_in_function += 1
            elif ch == "}":
                depth_in_function -= 1
                if depth_in_function == 0:
                    name, first = stack.pop()[1:]
                    found.append((name, first, code.count("\n", 0, at) + 1))
                    header_start = at + 1
            continue
        if ch == ";":
            header_start = at + 1
            continue
        if ch == "}":
            if not stack:
                raise ValueError("a '}' closes nothing at line %d" % (code.count("\n", 0, at) + 1))
            stack.pop()
            header_start = at + 1
            continue
        header = code[header_start:at].strip()
        lead = len(code[header_start:at]) - len(code[header_start:at].lstrip())
        first_line = code.count("\n", 0, header_start + lead) + 1
        inside_other = any(kind == "other" for kind, _, _ in stack)
        if not inside_other and CONTAINER.match(header):
            stack.append(("container", first_line, None))
        elif (not inside_other and FUNCTION_END.search(header) and "(" in header
              and not CONTROL.match(header) and "=" not in header.split("(")[0]):
            name = NAME.search(header)
            stack.append(("function", name.group(1) if name else "?", first_line))
            depth_in_function = 1
        else:
            stack.append(("other", first_line, None))
        header_start = at + 1
    if stack or depth_in_function:
        raise ValueError("a '{' is never closed")
    return found


def sources(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(SOURCE_ENDINGS):
                    yield os.path.join(root, f)


def main(argv):
    limit = DEFAULT_MAX_LINES
    if len(argv) > 2 and argv[1] == "--max":
        limit = int(argv[2])
        argv = argv[2:]
    if len(argv) < 2:
        sys.stderr.write("usage: function_length.py [--max N] PATH...\n")
        return 2
    long_ones = []
    for path in sources(argv[1:]):
        try:
            for name, first, last in functions(path):
                if last - first + 1 > limit:
                    long_ones.append((last - first + 1, path, first, name))
        except (OSError, ValueError) as e:
            sys.stderr.write("function_length.py: %s: %s\n" % (path, e))
            return 2
    for lines, path, first, name in sorted(long_ones, key=lambda f: (-f[0], f[1], f[2])):
        print("%s:%d %s %d" % (path, first, name, lines))
    return 1 if long_ones else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
