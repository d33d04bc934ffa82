/* The hot loops of the stream blob and of the stored heart-rate distribution in one pass each
 * (docs/decisions/0071). Optional: where it is not built, ``backstride.ingest.streams`` and
 * ``backstride.services.rows.activity`` compute the same bytes with numpy.
 *
 * ``delta_column(values, scale)`` gives a ``d4`` column of ``streams.columns`` exactly as the
 * numpy path writes it: missing samples (not finite) carried forward (0 before the first),
 * ``rint(value * scale)`` (halves to even, as ``np.rint``), int32 deltas byte-shuffled, and the
 * ``np.packbits`` mask of the missing samples (None when there is none). It returns None when a
 * delta is not a finite int32 value: the numpy path then decides (``f4``).
 *
 * ``hr_time(time_s, hr_bpm)`` gives ``activity.hr_time_blob``'s bytes for two equal-length
 * columns: the values as stored (time 1 ms, heart rate 0.01 bpm), each sample weighing the
 * time to the next one (0 outside (0, 30] s), summed per distinct heart rate in sample order
 * (as ``np.bincount``), the distinct rates ascending (as ``np.unique``). It returns None when
 * the rates are not the small non-negative range this counts in bins (the numpy path decides).
 *
 * Inputs are read through the buffer protocol and must be C-contiguous float64 ("d"); anything
 * else returns None. The GIL is released while the loops run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define I4 2147483647.0
#define HR_SCALE 100.0
#define TIME_SCALE 1000.0
#define MAX_GAP_S 30.0
#define MAX_BINS (1 << 20)
#define MAX_KEY 2147483648.0 /* keys below 2**31: exact, and distinct once divided by 100 */

/* A C-contiguous float64 buffer, or 0 (with no error set) when `obj` is not one. */
static int float_buffer(PyObject *obj, Py_buffer *view) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Clear();
        return 0;
    }
    const char *f = view->format;
    if (f != NULL && (f[0] == '<' || f[0] == '=' || f[0] == '@')) f++;
    if (view->itemsize != 8 || f == NULL || strcmp(f, "d") != 0 || view->len % 8 != 0) {
        PyBuffer_Release(view);
        return 0;
    }
    return 1;
}

#define BLOCK 512
#define SMALL 2251799813685248.0 /* 2^51: below it, adding 1.5 * 2^52 rounds as rint does */

/* Fills `planes` (4 * n bytes) and `mask` ((n + 7) / 8 bytes, zeroed); 1 when every delta is
 * a finite int32 value, else 0. `*missing` tells whether any sample was not finite.
 *
 * Block by block, in passes the compiler turns into vector code (-O3): a block whose values
 * are all finite and small is scaled and rounded without a call into libm (adding and
 * subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to the nearest integer,
 * halves to even, exactly as rint does in the default rounding mode; the build keeps that
 * arithmetic as written: no -ffast-math, -ffp-contract=off), its deltas checked against the
 * int32 range and byte-shuffled. Any other block takes the one-value-at-a-time loop (missing
 * samples carried forward, rint). Both give the bytes of the numpy path (tested). */
static int deltas(const double *restrict v, Py_ssize_t n, double scale,
                  unsigned char *restrict planes, unsigned char *restrict mask, int *missing) {
    const double magic = 6755399441055744.0; /* 1.5 * 2^52 */
    double last = 0.0;
    double rr[BLOCK + 1]; /* rr[0]: the block's previous value; rr[1 + i]: value i, rounded */
    int32_t d[BLOCK];
    int any = 0;
    rr[0] = 0.0;
    for (Py_ssize_t at = 0; at < n; at += BLOCK) {
        Py_ssize_t m = n - at < BLOCK ? n - at : BLOCK;
        const double *restrict x = v + at;
        double *restrict r = rr + 1;
        int small = 1;
        for (Py_ssize_t i = 0; i < m; i++) small &= fabs(x[i] * scale) < SMALL; /* NaN: 0 */
        if (small) {
            for (Py_ssize_t i = 0; i < m; i++) r[i] = (x[i] * scale + magic) - magic;
            last = x[m - 1];
        } else {
            for (Py_ssize_t i = 0; i < m; i++) {
                if (isfinite(x[i])) {
                    last = x[i];
                } else {
                    any = 1;
                    mask[(at + i) >> 3] |= (unsigned char)(0x80u >> ((at + i) & 7));
                }
                r[i] = rint(last * scale);
            }
        }
        int fits = 1;
        for (Py_ssize_t i = 0; i < m; i++) fits &= fabs(r[i] - rr[i]) <= I4; /* NaN: 0 */
        if (!fits) return 0;
        for (Py_ssize_t i = 0; i < m; i++) d[i] = (int32_t)(r[i] - rr[i]);
        rr[0] = r[m - 1];
        unsigned char *restrict p0 = planes + at;
        unsigned char *restrict p1 = planes + n + at;
        unsigned char *restrict p2 = planes + 2 * n + at;
        unsigned char *restrict p3 = planes + 3 * n + at;
        for (Py_ssize_t i = 0; i < m; i++) {
            uint32_t u = (uint32_t)d[i];
            p0[i] = (unsigned char)(u & 0xFF);
            p1[i] = (unsigned char)((u >> 8) & 0xFF);
            p2[i] = (unsigned char)((u >> 16) & 0xFF);
            p3[i] = (unsigned char)(u >> 24);
        }
    }
    *missing = any;
    return 1;
}

static PyObject *delta_column(PyObject *self, PyObject *args) {
    PyObject *obj;
    double scale;
    Py_buffer view;
    (void)self;
    if (!PyArg_ParseTuple(args, "Od", &obj, &scale)) return NULL;
    if (!isfinite(scale) || scale <= 0.0 || !float_buffer(obj, &view)) Py_RETURN_NONE;
    Py_ssize_t n = view.len / 8;
    PyObject *planes = PyBytes_FromStringAndSize(NULL, 4 * n);
    PyObject *mask = PyBytes_FromStringAndSize(NULL, (n + 7) / 8);
    PyObject *answer = NULL;
    if (planes == NULL || mask == NULL) goto done;
    unsigned char *m = (unsigned char *)PyBytes_AS_STRING(mask);
    memset(m, 0, (size_t)((n + 7) / 8));
    int missing = 0, ok;
    Py_BEGIN_ALLOW_THREADS
    ok = deltas((const double *)view.buf, n, scale, (unsigned char *)PyBytes_AS_STRING(planes),
                m, &missing);
    Py_END_ALLOW_THREADS
    if (!ok)
        answer = Py_NewRef(Py_None);
    else
        answer = PyTuple_Pack(2, planes, missing ? mask : Py_None);
done:
    Py_XDECREF(planes);
    Py_XDECREF(mask);
    PyBuffer_Release(&view);
    return answer;
}

/* ``pack(channels, scales)``: every channel's ``d4`` column, one after the other in one buffer
 * (planes, then the mask when a sample is missing), as ``streams.columns`` joins them; with the
 * channels that have a mask. None when any channel is not one ``delta_column`` takes. */
static PyObject *pack(PyObject *self, PyObject *args) {
    PyObject *channels, *scales;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &channels, &PyList_Type, &scales))
        return NULL;
    Py_ssize_t k = PyList_GET_SIZE(channels);
    if (k != PyList_GET_SIZE(scales) || k > 64) Py_RETURN_NONE;
    Py_buffer views[64];
    double factor[64];
    Py_ssize_t got = 0, n = -1, total = 0;
    PyObject *answer = NULL, *block = NULL, *masked = NULL;
    for (; got < k; got++) {
        factor[got] = PyFloat_AsDouble(PyList_GET_ITEM(scales, got));
        if (factor[got] == -1.0 && PyErr_Occurred()) goto done;
        if (!isfinite(factor[got]) || factor[got] <= 0.0) break;
        if (!float_buffer(PyList_GET_ITEM(channels, got), &views[got])) break;
        if (n >= 0 && views[got].len / 8 != n) {
            got++;
            break;
        }
        n = views[got].len / 8;
    }
    if (got < k || (n >= 0 && views[k - 1].len / 8 != n)) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    if (n < 0) n = 0;
    total = k * (4 * n + (n + 7) / 8); /* room for every mask; trimmed to what is used */
    block = PyByteArray_FromStringAndSize(NULL, total);
    masked = PyList_New(k);
    if (block == NULL || masked == NULL) goto done;
    unsigned char *out = (unsigned char *)PyByteArray_AS_STRING(block);
    Py_ssize_t used = 0;
    int ok = 1, missing[64];
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t c = 0; c < k && ok; c++) {
        unsigned char *mask = out + used + 4 * n;
        memset(mask, 0, (size_t)((n + 7) / 8));
        ok = deltas((const double *)views[c].buf, n, factor[c], out + used, mask, &missing[c]);
        used += 4 * n + (missing[c] ? (n + 7) / 8 : 0);
    }
    Py_END_ALLOW_THREADS
    if (!ok) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    if (PyByteArray_Resize(block, used) != 0) goto done;
    for (Py_ssize_t c = 0; c < k; c++) PyList_SET_ITEM(masked, c, PyBool_FromLong(missing[c]));
    answer = PyTuple_Pack(2, block, masked);
done:
    for (Py_ssize_t c = 0; c < got && c < k; c++) PyBuffer_Release(&views[c]);
    Py_XDECREF(block);
    Py_XDECREF(masked);
    return answer;
}

/* As ``streams.stored_values``: the value at the channel's resolution (NaN stays NaN). */
static inline double stored(double x, double scale) {
    return isfinite(x) ? rint(x * scale) / scale : NAN;
}

/* The key (rate x 100, an integral double) of sample i, or NaN when it is not counted. */
static inline double hr_key(double hr) {
    if (!isfinite(hr)) return NAN;
    double key = rint(hr * HR_SCALE);
    return isfinite(key / HR_SCALE) ? key : NAN;
}

/* Smallest and largest key of the counted samples; 0 when none is counted, -1 when the keys
 * are not a small non-negative range (negative or -0.0 rates, a range over MAX_BINS, a key
 * from MAX_KEY on). */
static int key_range(const double *hr, Py_ssize_t n, double *lo, double *hi) {
    int seen = 0;
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        double key = hr_key(hr[i]);
        if (isnan(key)) continue;
        if (signbit(key)) return -1;
        if (!seen || key < *lo) *lo = key;
        if (!seen || key > *hi) *hi = key;
        seen = 1;
    }
    if (seen && (*hi - *lo >= (double)MAX_BINS || *hi >= MAX_KEY)) return -1;
    return seen;
}

static void bin_seconds(const double *t, const double *hr, Py_ssize_t n, double lo,
                        double *seconds, Py_ssize_t *counts) {
    double now = stored(t[0], TIME_SCALE);
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        double next = stored(t[i + 1], TIME_SCALE);
        double dt = next - now;
        now = next;
        double key = hr_key(hr[i]);
        if (isnan(key)) continue;
        Py_ssize_t k = (Py_ssize_t)(key - lo);
        seconds[k] += (dt > 0.0 && dt <= MAX_GAP_S) ? dt : 0.0;
        counts[k]++;
    }
}

static PyObject *pairs(const double *seconds, const Py_ssize_t *counts, Py_ssize_t bins,
                       double lo) {
    Py_ssize_t distinct = 0;
    for (Py_ssize_t k = 0; k < bins; k++) distinct += counts[k] > 0;
    PyObject *blob = PyBytes_FromStringAndSize(NULL, 16 * distinct);
    if (blob == NULL) return NULL;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(blob);
    Py_ssize_t j = 0;
    for (Py_ssize_t k = 0; k < bins; k++) {
        if (!counts[k]) continue;
        double value = (lo + (double)k) / HR_SCALE;
        /* little-endian float64, whatever the machine's order */
        uint64_t a, b;
        memcpy(&a, &value, 8);
        memcpy(&b, &seconds[k], 8);
        for (int byte = 0; byte < 8; byte++) {
            out[8 * j + byte] = (unsigned char)(a >> (8 * byte));
            out[8 * (distinct + j) + byte] = (unsigned char)(b >> (8 * byte));
        }
        j++;
    }
    return blob;
}

static PyObject *hr_time(PyObject *self, PyObject *args) {
    PyObject *t_obj, *hr_obj, *answer = NULL;
    Py_buffer t_view, hr_view;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &t_obj, &hr_obj)) return NULL;
    if (!float_buffer(t_obj, &t_view)) Py_RETURN_NONE;
    if (!float_buffer(hr_obj, &hr_view)) {
        PyBuffer_Release(&t_view);
        Py_RETURN_NONE;
    }
    Py_ssize_t n = t_view.len / 8;
    const double *t = t_view.buf, *hr = hr_view.buf;
    double lo = 0.0, hi = 0.0;
    int range = n == hr_view.len / 8 ? (n >= 2 ? key_range(hr, n, &lo, &hi) : 0) : -1;
    if (range <= 0) {
        answer = range < 0 ? Py_NewRef(Py_None) : PyBytes_FromStringAndSize(NULL, 0);
        goto done;
    }
    Py_ssize_t bins = (Py_ssize_t)(hi - lo) + 1;
    double *seconds = PyMem_RawCalloc((size_t)bins, sizeof(double));
    Py_ssize_t *counts = PyMem_RawCalloc((size_t)bins, sizeof(Py_ssize_t));
    if (seconds == NULL || counts == NULL) {
        PyMem_RawFree(seconds);
        PyMem_RawFree(counts);
        answer = PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    bin_seconds(t, hr, n, lo, seconds, counts);
    Py_END_ALLOW_THREADS
    answer = pairs(seconds, counts, bins, lo);
    PyMem_RawFree(seconds);
    PyMem_RawFree(counts);
done:
    PyBuffer_Release(&t_view);
    PyBuffer_Release(&hr_view);
    return answer;
}

static PyMethodDef methods[] = {
    {"delta_column", delta_column, METH_VARARGS,
     "delta_column(values, scale) -> (shuffled int32 deltas, packbits mask | None) | None"},
    {"pack", pack, METH_VARARGS,
     "pack(channels, scales) -> (d4 columns joined, [has mask]) | None"},
    {"hr_time", hr_time, METH_VARARGS, "hr_time(time_s, hr_bpm) -> hr_time_blob bytes | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_streampack",
    .m_doc = "Compiled loops of the stream blob and heart-rate distribution (decision 0071).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__streampack(void) { return PyModule_Create(&module); }
