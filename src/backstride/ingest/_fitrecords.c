/* The FIT decoder's record columns in one pass over the record messages (docs/decisions/0071).
 *
 * ``columns(data, n_records, n_columns, runs, slots, scales)`` fills ``n_columns`` float64
 * columns of ``n_records`` values (NaN where no message wrote one) exactly as the numpy path of
 * ``fit.columns.record_columns`` does for plain fields: the raw value (its base type, its
 * definition's byte order; the first element of an array field) as float64, NaN for the base
 * type's invalid marker, then degrees for semicircles, Unix seconds for times, or
 * ``raw / scale - offset``.
 *
 * ``runs`` is int64 rows (layout, byte offset, count, byte stride, first record index, record
 * index step, message size); ``slots`` int64 rows (layout, offset in the message, type, column,
 * kind, has invalid marker, invalid marker, divide, subtract) in the numpy path's order (by
 * layout, then field); ``scales`` float64 rows (scale, offset). Untrusted input: every run is
 * checked to lie inside the bytes and every record index inside the columns before anything
 * is read; any doubt returns None (the numpy path decides, and reports damage as before).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define RUN_WIDTH 7
#define SLOT_WIDTH 9
#define FIT_EPOCH_UNIX_S 631065600.0
#define SEMICIRCLE_DEG (180.0 / 2147483648.0)

enum { T_U8 = 1, T_I8, T_U16, T_I16, T_U32, T_I32, T_U64, T_I64, T_F32, T_F64 };
enum { K_PLAIN = 0, K_SEMICIRCLE = 1, K_TIME = 2 };

static const int TYPE_SIZE[] = {0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8};

typedef struct {
    int64_t layout, pos, count, stride, first, step, size;
} Run;

typedef struct {
    int64_t layout, offset, type, column, kind, has_invalid, invalid, divide, subtract;
    double scale, minus;
} Slot;

static inline uint64_t load(const unsigned char *p, int size, int big) {
    uint64_t u = 0;
    if (big)
        for (int k = 0; k < size; k++) u = (u << 8) | p[k];
    else
        for (int k = size - 1; k >= 0; k--) u = (u << 8) | p[k];
    return u;
}

/* The finishing step of ``value_of`` for a raw value already read as float64. */
static inline double finish(double v, const Slot *s) {
    if (s->kind == K_SEMICIRCLE) return v * SEMICIRCLE_DEG;
    if (s->kind == K_TIME) return v + FIT_EPOCH_UNIX_S;
    if (s->divide) v /= s->scale;
    if (s->subtract) v -= s->minus;
    return v;
}

/* The value of one field as the numpy path computes it. */
static inline double value_of(const unsigned char *p, const Slot *s, int big) {
    int type = (int)s->type;
    uint64_t u = load(p, TYPE_SIZE[type], big);
    double v;
    int64_t signed_raw = 0;
    int is_signed = 0;
    switch (type) {
        case T_I8: signed_raw = (int8_t)(uint8_t)u; is_signed = 1; break;
        case T_I16: signed_raw = (int16_t)(uint16_t)u; is_signed = 1; break;
        case T_I32: signed_raw = (int32_t)(uint32_t)u; is_signed = 1; break;
        case T_I64: signed_raw = (int64_t)u; is_signed = 1; break;
        default: break;
    }
    if (type == T_F32) {
        uint32_t bits = (uint32_t)u;
        float f;
        memcpy(&f, &bits, 4);
        v = (double)f;
    } else if (type == T_F64) {
        memcpy(&v, &u, 8);
    } else if (is_signed) {
        if (s->has_invalid && signed_raw == s->invalid) return NAN;
        v = (double)signed_raw;
    } else {
        if (s->has_invalid && u == (uint64_t)s->invalid) return NAN;
        v = (double)u;
    }
    return finish(v, s);
}

/* 1 when every run lies inside the bytes and writes only record indices inside the columns. */
static int runs_ok(const Run *runs, Py_ssize_t n_runs, Py_ssize_t len, int64_t n_records) {
    for (Py_ssize_t r = 0; r < n_runs; r++) {
        const Run *run = &runs[r];
        if (run->count < 0 || run->count > len || run->pos < 0 || run->pos > len ||
            run->stride < 0 || run->stride > len || run->size < 1 || run->size > len ||
            run->step < 0 || run->step > n_records || run->first < 0 ||
            run->first >= n_records)
            return 0;
        if (run->count == 0) continue;
        int64_t last = run->pos + (run->count - 1) * run->stride; /* < 2**62: all < 2**31 */
        if (last + run->size > len) return 0;
        if (run->first + (run->count - 1) * run->step >= n_records) return 0;
    }
    return 1;
}

static int slots_ok(const Slot *slots, Py_ssize_t n_slots, const Run *runs, Py_ssize_t n_runs,
                    int64_t n_columns) {
    for (Py_ssize_t k = 0; k < n_slots; k++) {
        const Slot *s = &slots[k];
        if (s->type < T_U8 || s->type > T_F64 || s->column < 0 || s->column >= n_columns ||
            s->offset < 1 || s->kind < K_PLAIN || s->kind > K_TIME)
            return 0;
        for (Py_ssize_t r = 0; r < n_runs; r++)
            if (runs[r].layout == s->layout && s->offset + TYPE_SIZE[s->type] > runs[r].size)
                return 0;
    }
    return 1;
}

/* One little-endian integer field of a run: the common case, with the type known to the loop
 * (the same values as ``value_of``). */
#define INT_LOOP(CTYPE, UTYPE)                                                              \
    for (int64_t i = 0; i < run->count; i++, p += run->stride, at += run->step) {          \
        CTYPE raw;                                                                          \
        memcpy(&raw, p, sizeof raw);                                                        \
        if (s.has_invalid && (uint64_t)(UTYPE)raw == (uint64_t)(UTYPE)s.invalid)            \
            column[at] = NAN;                                                               \
        else                                                                                \
            column[at] = finish((double)raw, &s);                                           \
    }

static int little_endian_host(void) {
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void fill_run(const unsigned char *d, const Run *run, const Slot *slot, int big,
                     double *column) {
    const Slot s = *slot; /* a local copy: the stores into column cannot alias it */
    const unsigned char *p = d + run->pos + s.offset;
    int64_t at = run->first;
    if (big || !little_endian_host()) {
        for (int64_t i = 0; i < run->count; i++, p += run->stride, at += run->step)
            column[at] = value_of(p, &s, big);
        return;
    }
    switch (s.type) {
        case T_U8: INT_LOOP(uint8_t, uint8_t) break;
        case T_I8: INT_LOOP(int8_t, uint8_t) break;
        case T_U16: INT_LOOP(uint16_t, uint16_t) break;
        case T_I16: INT_LOOP(int16_t, uint16_t) break;
        case T_U32: INT_LOOP(uint32_t, uint32_t) break;
        case T_I32: INT_LOOP(int32_t, uint32_t) break;
        default:
            for (int64_t i = 0; i < run->count; i++, p += run->stride, at += run->step)
                column[at] = value_of(p, &s, 0);
    }
}

static void fill(const unsigned char *d, const Run *runs, Py_ssize_t n_runs, const Slot *slots,
                 Py_ssize_t n_slots, const int64_t *big, int64_t n_records, double *out) {
    for (Py_ssize_t k = 0; k < n_slots; k++) {
        double *column = out + slots[k].column * n_records;
        for (Py_ssize_t r = 0; r < n_runs; r++)
            if (runs[r].layout == slots[k].layout)
                fill_run(d, &runs[r], &slots[k], (int)big[r], column);
    }
}

static int read_table(Py_buffer *view, Py_ssize_t width, Py_ssize_t *rows) {
    if (view->len % (8 * width)) return 0;
    *rows = view->len / (8 * width);
    return 1;
}

static PyObject *columns(PyObject *self, PyObject *args) {
    Py_buffer data, run_view, slot_view, scale_view, big_view;
    Py_ssize_t n_records, n_columns;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nny*y*y*y*", &data, &n_records, &n_columns, &run_view,
                          &slot_view, &scale_view, &big_view))
        return NULL;
    PyObject *answer = NULL;
    Run *runs = NULL;
    Slot *slots = NULL;
    Py_ssize_t n_runs = 0, n_slots = 0, n_scales = 0, n_big = 0;
    if (!read_table(&run_view, RUN_WIDTH, &n_runs) || !read_table(&slot_view, SLOT_WIDTH, &n_slots) ||
        !read_table(&scale_view, 2, &n_scales) || !read_table(&big_view, 1, &n_big) ||
        n_scales != n_slots || n_big != n_runs || n_records < 0 || n_columns < 0 ||
        data.len >= ((Py_ssize_t)1 << 31) || n_records > data.len ||
        n_columns > 4096 || (n_columns && n_records > PY_SSIZE_T_MAX / 8 / n_columns)) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    runs = PyMem_Malloc((size_t)(n_runs ? n_runs : 1) * sizeof(Run));
    slots = PyMem_Malloc((size_t)(n_slots ? n_slots : 1) * sizeof(Slot));
    if (runs == NULL || slots == NULL) {
        answer = PyErr_NoMemory();
        goto done;
    }
    const int64_t *rt = run_view.buf, *st = slot_view.buf;
    const double *sc = scale_view.buf;
    for (Py_ssize_t r = 0; r < n_runs; r++) {
        const int64_t *row = rt + RUN_WIDTH * r;
        runs[r] = (Run){row[0], row[1], row[2], row[3], row[4], row[5], row[6]};
    }
    for (Py_ssize_t k = 0; k < n_slots; k++) {
        const int64_t *row = st + SLOT_WIDTH * k;
        slots[k] = (Slot){row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                          sc[2 * k], sc[2 * k + 1]};
    }
    if (!runs_ok(runs, n_runs, data.len, n_records) ||
        !slots_ok(slots, n_slots, runs, n_runs, n_columns)) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    PyObject *block = PyByteArray_FromStringAndSize(NULL, 8 * n_columns * n_records);
    if (block == NULL) goto done;
    double *out = (double *)PyByteArray_AS_STRING(block);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < n_columns * n_records; k++) out[k] = NAN;
    fill(data.buf, runs, n_runs, slots, n_slots, big_view.buf, n_records, out);
    Py_END_ALLOW_THREADS
    answer = block;
done:
    PyMem_Free(runs);
    PyMem_Free(slots);
    PyBuffer_Release(&data);
    PyBuffer_Release(&run_view);
    PyBuffer_Release(&slot_view);
    PyBuffer_Release(&scale_view);
    PyBuffer_Release(&big_view);
    return answer;
}

static PyMethodDef methods[] = {
    {"columns", columns, METH_VARARGS,
     "columns(data, n_records, n_columns, runs, slots, scales, big_endian) -> bytearray | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_fitrecords",
    .m_doc = "The FIT decoder's record columns in one compiled pass (decision 0071).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__fitrecords(void) { return PyModule_Create(&module); }
