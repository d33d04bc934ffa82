/* The GPX fast path's scanner in one sequential pass over the bytes (docs/decisions/0069).
 *
 * ``scan`` decides exactly what the numpy path of ``gpx_fast.fast_parts`` decides for the
 * track part of a file (every ``<trkpt`` shaped like the first point, only whitespace between
 * tags that hold no value, every ``<`` accounted for) and cuts out the same columns: the
 * decimals as the same float64 values as Python's ``float()``, the ``YYYY-MM-DDTHH:MM:SS[.f]Z``
 * times as POSIX seconds exactly as numpy's ``datetime64[us]`` reads them. Any doubt returns
 * None (the lxml reader decides); times in any other form are handed back as spans for the
 * Python code to read.
 *
 * Untrusted input: every read is checked against the buffer's length before it is made; the
 * output arrays are sized from counts of the first pass (each at most one value per ``<`` of
 * the file) and every write is checked against those sizes. The GIL is released while the
 * bytes are scanned (taken back only to let ``float()`` read an unusual decimal).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static const double POW10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define MAX_TAGS 256
#define MAX_LEAVES 16

typedef struct {
    const char *d;
    Py_ssize_t size;  /* the whole file */
    Py_ssize_t limit; /* a '<' at or after this is past what the numpy path looks at */
    PyThreadState *ts;
} Scan;

/* The next '<' at or after `from`, or -1: a look at the next bytes first (most gaps between
 * tags are a few bytes long), then memchr. */
static inline Py_ssize_t next_lt(const Scan *s, Py_ssize_t from) {
    const char *d = s->d;
    Py_ssize_t near = from + 16 < s->size ? from + 16 : s->size;
    for (Py_ssize_t k = from; k < near; k++)
        if (d[k] == '<') return k;
    if (near >= s->size) return -1;
    const char *hit = memchr(d + near, '<', (size_t)(s->size - near));
    return hit ? (Py_ssize_t)(hit - d) : -1;
}

static inline int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* XML whitespace */
}

/* Kinds of a '<' the counts need (only for p < limit, so p + 6 < size). */
enum { K_OTHER = 0, K_POINT, K_TRK, K_TRKS };

static inline int kind_at(const Scan *s, Py_ssize_t p, int *is_segment) {
    const char *c = s->d + p;
    *is_segment = 0;
    if (c[1] != 't' || c[2] != 'r' || c[3] != 'k') return K_OTHER;
    if (c[4] == 'p' && c[5] == 't' && c[6] == ' ') return K_POINT;
    if (c[4] == '>') return K_TRK;
    if (c[4] == 's') {
        *is_segment = (c[5] == 'e' && c[6] == 'g');
        return K_TRKS;
    }
    return K_OTHER;
}

/* A plain decimal (optional '-', digits, at most one '.', 1..15 digits) -> the exact integer
 * mantissa divided once by a power of ten: the correctly rounded value, as float() gives.
 * Returns 0 when the text is not that plain (the caller then asks float()). */
static inline int plain_decimal(const char *t, Py_ssize_t len, double *out) {
    Py_ssize_t i = 0;
    int neg = 0, digits = 0, frac = -1;
    int64_t mantissa = 0;
    if (len <= 0 || len > 17) return 0;
    if (t[0] == '-') {
        neg = 1;
        i = 1;
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c >= '0' && c <= '9') {
            mantissa = mantissa * 10 + (c - '0');
            digits++;
            if (frac >= 0) frac++;
        } else if (c == '.' && frac < 0) {
            frac = 0;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 15) return 0;
    double value = (double)mantissa;
    if (frac > 0) value /= POW10[frac];
    *out = neg ? -value : value;
    return 1;
}

/* float() on the exact text, with the GIL taken back for it. 0 when float() refuses it. */
static int python_float(Scan *s, const char *t, Py_ssize_t len, double *out) {
    int ok = 0;
    PyEval_RestoreThread(s->ts);
    PyObject *text = PyBytes_FromStringAndSize(t, len);
    if (text != NULL) {
        PyObject *value = PyFloat_FromString(text);
        Py_DECREF(text);
        if (value != NULL) {
            *out = PyFloat_AS_DOUBLE(value);
            Py_DECREF(value);
            ok = 1;
        }
    }
    PyErr_Clear();
    s->ts = PyEval_SaveThread();
    return ok;
}

static inline int decimal(Scan *s, Py_ssize_t a, Py_ssize_t b, double *out) {
    return plain_decimal(s->d + a, b - a, out) || python_float(s, s->d + a, b - a, out);
}

static inline int two(const char *t) {
    if (t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9') return -1;
    return (t[0] - '0') * 10 + (t[1] - '0');
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ``YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z`` -> POSIX seconds as numpy reads it (int64 microseconds
 * / 1e6). 0 for anything else (the Python code reads those). */
static int iso_time(const char *t, Py_ssize_t w, double *out) {
    static const int dim[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!(w == 20 || (w >= 22 && w <= 27))) return 0;
    if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return 0;
    if (t[w - 1] != 'Z') return 0;
    int y1 = two(t), y2 = two(t + 2), mo = two(t + 5), da = two(t + 8);
    int hh = two(t + 11), mi = two(t + 14), ss = two(t + 17);
    if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || da < 1 || hh < 0 || hh > 23 || mi < 0 ||
        mi > 59 || ss < 0 || ss > 59)
        return 0;
    int year = y1 * 100 + y2;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1 || da > dim[mo] + (mo == 2 && leap)) return 0;
    int64_t micro = 0;
    if (w > 20) {
        if (t[19] != '.') return 0;
        int places = 0;
        for (Py_ssize_t i = 20; i < w - 1; i++) {
            if (t[i] < '0' || t[i] > '9') return 0;
            micro = micro * 10 + (t[i] - '0');
            places++;
        }
        for (; places < 6; places++) micro *= 10;
    }
    int64_t seconds = days_from_civil(year, mo, da) * 86400 + hh * 3600 + mi * 60 + ss;
    *out = (double)(seconds * 1000000 + micro) / 1e6;
    return 1;
}

typedef struct {
    Py_ssize_t width; /* tags per point, <trkpt ...> included */
    const char *tag[MAX_TAGS];
    Py_ssize_t tag_len[MAX_TAGS];
    int leaf_of_gap[MAX_TAGS]; /* gap after tag j -> index of its leaf, or -1 */
    Py_ssize_t n_leaves;
    Py_ssize_t time_leaf;
} Shape;

typedef struct {
    Py_ssize_t cap;                   /* room for this many points in every column */
    Py_ssize_t n;                     /* points read */
    Py_ssize_t all, trk, trks;        /* '<' seen; <trk> and <trks... before the limit */
    Py_ssize_t n_segments, seg_cap;   /* <trkseg before the limit */
    double *lat, *lon;
    double *leaf[MAX_LEAVES];
    int64_t *time_start, *time_end;
    int64_t *segments;                /* PyMem_Raw, grown as needed (at most one per '<') */
    int times_plain;
    Py_ssize_t time_width;
} Out;

/* Count the '<' at t (before the limit, so t + 6 < size) and note a segment starting there.
 * Returns its kind, or -1 when there is no memory for the segment. */
static int note(const Scan *s, Out *o, Py_ssize_t t, Py_ssize_t points_before) {
    int seg;
    o->all++;
    int kind = kind_at(s, t, &seg);
    if (kind == K_TRK) o->trk++;
    if (kind == K_TRKS) o->trks++;
    if (seg) {
        if (o->n_segments == o->seg_cap) {
            Py_ssize_t cap = o->seg_cap ? 2 * o->seg_cap : 16;
            int64_t *grown = PyMem_RawRealloc(o->segments, (size_t)cap * sizeof(int64_t));
            if (grown == NULL) return -1;
            o->segments = grown;
            o->seg_cap = cap;
        }
        o->segments[o->n_segments++] = points_before;
    }
    return kind;
}

/* Point i from its '<trkpt' at p; returns where its last tag ends, or -1 (not plain). */
static Py_ssize_t point(Scan *s, const Shape *sh, Out *o, Py_ssize_t i, Py_ssize_t p) {
    const char *d = s->d;
    if (p + 12 > s->size || memcmp(d + p, "<trkpt lat=\"", 12) != 0) return -1;
    Py_ssize_t lat_s = p + 12;
    const char *q = memchr(d + lat_s, '"', (size_t)(s->size - lat_s));
    if (q == NULL) return -1;
    Py_ssize_t lat_e = q - d;
    if (lat_e + 7 > s->size || memcmp(d + lat_e, "\" lon=\"", 7) != 0) return -1;
    Py_ssize_t lon_s = lat_e + 7;
    if (lon_s >= s->size) return -1;
    q = memchr(d + lon_s, '"', (size_t)(s->size - lon_s));
    if (q == NULL) return -1;
    Py_ssize_t lon_e = q - d;
    if (lon_e + 2 > s->size || d[lon_e + 1] != '>') return -1;
    double lat, lon;
    /* a '<' between p and lon_e + 2 would be inside a value, which then does not read as a
     * number: the tags below are looked for from lon_e + 2 on */
    if (!decimal(s, lat_s, lat_e, &lat) || !decimal(s, lon_s, lon_e, &lon)) return -1;
    if (!isfinite(lat) || !isfinite(lon)) return -1;
    o->lat[i] = lat;
    o->lon[i] = lon;
    Py_ssize_t prev_end = lon_e + 2;
    for (Py_ssize_t j = 1; j < sh->width; j++) {
        int leaf = sh->leaf_of_gap[j - 1];
        Py_ssize_t t = prev_end;
        if (leaf < 0) { /* only whitespace up to the next tag */
            while (t < s->size && d[t] != '<') {
                if (!is_space((unsigned char)d[t])) return -1;
                t++;
            }
        } else {
            t = next_lt(s, prev_end);
        }
        if (t < 0 || t >= s->limit) return -1;
        if (note(s, o, t, i + 1) != K_OTHER) return -1; /* a shape tag is never <trk... */
        if (leaf == sh->time_leaf) {
            o->time_start[i] = prev_end;
            o->time_end[i] = t;
            double posix;
            if (o->time_width < 0) o->time_width = t - prev_end;
            if (o->times_plain && (t - prev_end) == o->time_width &&
                iso_time(d + prev_end, t - prev_end, &posix))
                o->leaf[leaf][i] = posix;
            else
                o->times_plain = 0;
        } else if (leaf >= 0) {
            double value;
            if (!decimal(s, prev_end, t, &value)) return -1;
            o->leaf[leaf][i] = value;
        }
        if (t + sh->tag_len[j] > s->size || memcmp(d + t, sh->tag[j], sh->tag_len[j]) != 0)
            return -1;
        prev_end = t + sh->tag_len[j]; /* a shape tag holds no other '<' (read_shape) */
    }
    return prev_end;
}

/* One pass: every point, the counts and the segments; 0 when the file is not plain. */
static int walk(Scan *s, const Shape *sh, Out *o, Py_ssize_t start) {
    Py_ssize_t p = next_lt(s, start);
    while (p >= 0 && p < s->limit) {
        int kind = note(s, o, p, o->n);
        if (kind < 0) return 0;
        if (kind == K_POINT) {
            if (o->n >= o->cap) return 0;
            Py_ssize_t end = point(s, sh, o, o->n, p);
            if (end < 0) return 0;
            o->n++;
            p = next_lt(s, end);
        } else {
            p = next_lt(s, p + 1);
        }
    }
    for (; p >= 0; p = next_lt(s, p + 1)) o->all++;
    return 1;
}

static PyObject *float_array(Py_ssize_t n, double **data) {
    PyObject *array = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(double));
    if (array != NULL) *data = (double *)PyByteArray_AS_STRING(array);
    return array;
}

static PyObject *int_array(Py_ssize_t n, int64_t **data) {
    PyObject *array = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (array != NULL) *data = (int64_t *)PyByteArray_AS_STRING(array);
    return array;
}

static int read_shape(PyObject *tags, PyObject *leaves, Py_ssize_t time_leaf, Shape *sh) {
    if (!PyTuple_Check(tags) || !PyTuple_Check(leaves)) {
        PyErr_SetString(PyExc_TypeError, "tags and leaves must be tuples");
        return 0;
    }
    Py_ssize_t width = PyTuple_GET_SIZE(tags) + 1, n_leaves = PyTuple_GET_SIZE(leaves);
    if (width > MAX_TAGS || n_leaves > MAX_LEAVES || time_leaf < 0 || time_leaf >= n_leaves)
        return -1; /* a shape this path does not take: not an error, the lxml reader reads it */
    sh->width = width;
    sh->n_leaves = n_leaves;
    sh->time_leaf = time_leaf;
    sh->tag[0] = NULL;
    sh->tag_len[0] = 0;
    for (Py_ssize_t j = 0; j < width; j++) sh->leaf_of_gap[j] = -1;
    for (Py_ssize_t j = 1; j < width; j++) {
        PyObject *tag = PyTuple_GET_ITEM(tags, j - 1);
        if (!PyBytes_Check(tag) || PyBytes_GET_SIZE(tag) < 1) {
            PyErr_SetString(PyExc_TypeError, "each tag must be non-empty bytes");
            return 0;
        }
        sh->tag[j] = PyBytes_AS_STRING(tag);
        sh->tag_len[j] = PyBytes_GET_SIZE(tag);
        /* '<' first and nowhere else: the next tag is looked for after a matched one */
        if (sh->tag[j][0] != '<' || memchr(sh->tag[j] + 1, '<', (size_t)sh->tag_len[j] - 1))
            return -1;
    }
    for (Py_ssize_t k = 0; k < n_leaves; k++) {
        Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(leaves, k));
        if (slot == -1 && PyErr_Occurred()) return 0;
        if (slot < 1 || slot >= width - 1 || sh->leaf_of_gap[slot] >= 0) return -1;
        sh->leaf_of_gap[slot] = (int)k;
    }
    return 1;
}

static PyObject *result(Out *o, PyObject *lat, PyObject *lon, PyObject *leaf_arrays,
                        PyObject *starts, PyObject *ends) {
    PyObject *segments = PyList_New(o->n_segments ? o->n_segments : 1);
    if (segments == NULL) return NULL;
    for (Py_ssize_t k = 0; k < (o->n_segments ? o->n_segments : 1); k++) {
        int64_t at = o->n_segments ? o->segments[k] - o->segments[0] : 0;
        PyObject *value = PyLong_FromLongLong(at);
        if (value == NULL) {
            Py_DECREF(segments);
            return NULL;
        }
        PyList_SET_ITEM(segments, k, value);
    }
    PyObject *spans;
    if (o->times_plain) {
        spans = Py_NewRef(Py_None);
    } else {
        spans = PyTuple_Pack(2, starts, ends);
        if (spans == NULL) {
            Py_DECREF(segments);
            return NULL;
        }
    }
    PyObject *answer = PyTuple_Pack(5, lat, lon, leaf_arrays, spans, segments);
    Py_DECREF(spans);
    Py_DECREF(segments);
    return answer;
}

static int shrink(PyObject *array, Py_ssize_t n, Py_ssize_t item) {
    return PyByteArray_Resize(array, n * item) == 0;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer buffer;
    Py_ssize_t start, time_leaf, extra_opening, opening;
    PyObject *tags, *leaves;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nOOnnn", &buffer, &start, &tags, &leaves, &time_leaf,
                          &extra_opening, &opening))
        return NULL;
    PyObject *answer = NULL, *lat = NULL, *lon = NULL, *leaf_arrays = NULL, *starts = NULL,
             *ends = NULL;
    Shape sh;
    Out o;
    memset(&o, 0, sizeof o);
    int shape_ok = read_shape(tags, leaves, time_leaf, &sh);
    if (shape_ok == 0) goto done;
    if (shape_ok < 0 || start < 0 || start >= buffer.len || opening < 1 || extra_opening < 0 ||
        extra_opening > buffer.len) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    /* Room for as many points as fit in the bytes: each takes at least its fixed text and
     * every tag of the shape (no unbounded allocation; trimmed to the points read). */
    Py_ssize_t point_len = 21;
    for (Py_ssize_t j = 1; j < sh.width; j++) point_len += sh.tag_len[j];
    o.cap = (buffer.len - start) / point_len + 1;
    o.times_plain = 1;
    o.time_width = -1; /* set by the first point: every time must be as wide (as numpy) */
    if ((lat = float_array(o.cap, &o.lat)) == NULL ||
        (lon = float_array(o.cap, &o.lon)) == NULL ||
        (leaf_arrays = PyList_New(sh.n_leaves)) == NULL ||
        (starts = int_array(o.cap, &o.time_start)) == NULL ||
        (ends = int_array(o.cap, &o.time_end)) == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < sh.n_leaves; k++) {
        PyObject *array = float_array(o.cap, &o.leaf[k]);
        if (array == NULL) goto done;
        PyList_SET_ITEM(leaf_arrays, k, array);
    }
    Scan s = {.d = buffer.buf, .size = buffer.len, .limit = buffer.len - 9, .ts = NULL};
    s.ts = PyEval_SaveThread();
    int ok = walk(&s, &sh, &o, start);
    PyEval_RestoreThread(s.ts);
    /* every '<' accounted for, as gpx_fast._tags_accounted (no overflow: each count is at
     * most the length of the bytes, and opening at most the number of tags of a point) */
    if (!ok || o.n == 0 || opening > sh.width ||
        o.all != 2 * (o.n * opening + o.trk + o.trks + extra_opening) + 1) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    if (!shrink(lat, o.n, 8) || !shrink(lon, o.n, 8) || !shrink(starts, o.n, 8) ||
        !shrink(ends, o.n, 8))
        goto done;
    for (Py_ssize_t k = 0; k < sh.n_leaves; k++)
        if (!shrink(PyList_GET_ITEM(leaf_arrays, k), o.n, 8)) goto done;
    answer = result(&o, lat, lon, leaf_arrays, starts, ends);
done:
    Py_XDECREF(lat);
    Py_XDECREF(lon);
    Py_XDECREF(leaf_arrays);
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    PyMem_RawFree(o.segments);
    PyBuffer_Release(&buffer);
    return answer;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(data, start, tags, leaves, time_leaf, extra_opening, opening) -> "
     "(lat, lon, [leaf], time_spans | None, segment_starts) | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_gpxscan",
    .m_doc = "The GPX fast path's compiled scanner (docs/decisions/0069).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__gpxscan(void) { return PyModule_Create(&module); }
