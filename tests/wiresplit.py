"""Splits a real wire message (ANPA-1312 or IPTC 7901, one story) into
its story and a take sent apart: the first paragraphs stay in the story,
the rest goes into a message of its own marked as the story's 2nd take
(ANPA: '2nd Take' in the version field of the header; IPTC 7901: the
'2ND TAKE' flag of the headline block), with the same header, keyword
and trailer."""
import re

SOH, STX, ETX = b"\x01", b"\x02", b"\x03"


def _halves(text, para):
    """The text's lines cut before the middle paragraph (para(line,
    line before) says where one starts)."""
    lines = text.split(b"\n")
    starts = [i for i, line in enumerate(lines)
              if i and para(line, lines[i - 1]) and not line.lstrip().startswith(b"#")]
    cut = starts[len(starts) // 2]
    return b"\n".join(lines[:cut]) + b"\n", b"\n".join(lines[cut:])


def _parts(data):
    """(header, text, trailer) of a message: before STX, between STX and
    ETX, from ETX on."""
    stx, etx = data.index(STX), data.index(ETX)
    return data[:stx], data[stx + 1:etx], data[etx:]


def _keyword_line(header):
    """Where the last ANPA header line (... KEYWORD [VERSION] MM-DD
    WORDS) names its keyword: (lines, n, date, keyword, at), at the end
    of the keyword in lines[n].  Fields are split by spaces and control
    characters; those before the keyword are single letters."""
    lines = header.split(b"\n")
    n = max(i for i, line in enumerate(lines) if line.strip())
    words = re.sub(rb"[\x00-\x1f]", b" ", lines[n]).split()
    date = [t for t in words if re.fullmatch(rb"\d\d-\d\d", t)][-1]
    keyword = [t for t in words if len(t) > 1][0]
    return lines, n, date, keyword, lines[n].index(keyword) + len(keyword)


def split_anpa(data):
    """(story, take) of an ANPA-1312 message."""
    header, text, trailer = _parts(data)
    head, tail = _halves(text, lambda line, before: line.startswith(b"\t"))
    lines, n, date, keyword, at = _keyword_line(header)
    line = lines[n]
    lines[n] = line[:at] + b" 2nd Take   " + line[line.index(date, at):]
    take_header = b"\n".join(lines)
    slug = b"^" + keyword + b", 2nd Take<\n"
    return (header + STX + head + trailer,
            take_header + STX + slug + tail + trailer)


def split_7901(data):
    """(story, take) of an IPTC 7901 message."""
    header, text, trailer = _parts(data)
    nl = text.index(b"=")
    headline = text[:text.index(b"\n", nl) + 1]
    body = text[len(headline):]
    head, tail = _halves(body, lambda line, before: line.strip() and not before.strip())
    take = header + STX + b"2ND TAKE\n" + headline + tail + trailer
    return header + STX + headline + head + trailer, take


def version_anpa(data, version, sent, extra):
    """Another version of an ANPA-1312 message: the version field (say
    '1stLd-Writethru'), the filing date in the header and the trailer's
    moment set from sent ('MM-DD-YY HHMM'), a paragraph added at the
    end of the text."""
    header, text, trailer = _parts(data)
    lines, n, date, keyword, at = _keyword_line(header)
    line = lines[n]
    rest = line[line.index(date, at) + len(date):]
    lines[n] = line[:at] + b" " + version + b"   " + sent[:5] + rest
    trailer = re.sub(rb"\d\d-\d\d-\d\d \d{4}GMT", sent + b"GMT", trailer, count=1)
    cr = b"\r" if text.endswith(b"\r\n") or b"\r\n" in text else b""
    text = text.rstrip(b" \t\r\n") + cr + b"\n\t   " + extra + cr + b"\n"
    return b"\n".join(lines) + STX + text + trailer


def resent_anpa(data, sent):
    """The ANPA-1312 message as sent at sent ('MM-DD-YY HHMM'): the
    filing date in its header and the trailer's moment."""
    header, text, trailer = _parts(data)
    lines, n, date, keyword, at = _keyword_line(header)
    line = lines[n]
    d = line.index(date, at)
    lines[n] = line[:d] + sent[:5] + line[d + len(date):]
    trailer = re.sub(rb"\d\d-\d\d-\d\d \d{4}GMT", sent + b"GMT", trailer, count=1)
    return b"\n".join(lines) + STX + text + trailer
