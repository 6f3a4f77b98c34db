// replay SRC DST [N]: what Xapian alone costs to write the documents of
// an index.  Each document of SRC (at most N) is read and built again
// term by term (wdf, positions, values, data), then added to a new
// database DST by one writer, committed at the end.  With DST "-" the
// documents are read and built but not written: the difference of the
// two runs is Xapian's writing alone (bench/floor.py).
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

static Xapian::Document rebuilt(const Xapian::Document &d)
{
    Xapian::Document out;
    for (Xapian::TermIterator t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        const std::string term = *t;
        Xapian::termcount positions = 0;
        for (Xapian::PositionIterator p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            out.add_posting(term, *p, 1);
            ++positions;
        }
        if (t.get_wdf() > positions)
            out.add_term(term, t.get_wdf() - positions);
    }
    for (Xapian::ValueIterator v = d.values_begin(); v != d.values_end(); ++v)
        out.add_value(v.get_valueno(), *v);
    out.set_data(d.get_data());
    return out;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: replay SRC DST|- [N]\n");
        return 2;
    }
    try {
        Xapian::Database src(argv[1]);
        const bool write = strcmp(argv[2], "-") != 0;
        const unsigned long limit = argc > 3 ? strtoul(argv[3], nullptr, 10) : ~0ul;
        Xapian::WritableDatabase dst;
        if (write)
            dst = Xapian::WritableDatabase(argv[2], Xapian::DB_CREATE_OR_OVERWRITE);
        unsigned long docs = 0, terms = 0;
        for (Xapian::PostingIterator it = src.postlist_begin("");
             it != src.postlist_end("") && docs < limit; ++it, ++docs) {
            Xapian::Document d = rebuilt(src.get_document(*it));
            terms += d.termlist_count();
            if (write)
                dst.add_document(d);
        }
        if (write)
            dst.commit();
        printf("docs=%lu terms=%lu\n", docs, terms);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "replay: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}
