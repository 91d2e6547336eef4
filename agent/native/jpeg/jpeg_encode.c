// encode(pixels, stride, x, y, w, h, bgr, quality[, half]): one rect of the encoder's 32-bit
// screen as a baseline JPEG (4:2:0, no Huffman optimisation), with the machine's libjpeg-turbo;
// with `half`, at half its size each way (each output pixel the rounded mean of a 2x2 block),
// what the encoder sends for a picture in motion (decision 41).
//
// Why not sharp (which the agent uses when this addon is not built): each sharp call reads
// its ~200 options by name on the main thread, packs nothing itself (the agent had to copy
// the rect into packed RGB first), then hands the work to libuv's pool and libvips' own
// workers and back, several thread wake-ups per JPEG. Here libjpeg-turbo reads the rect's
// rows where they lie in the screen (its BGRX/RGBX input formats), on the calling thread,
// and returns when the JPEG is done: a 1920x40 strip takes a fraction of a millisecond.
// Synchronous on purpose: the caller awaits the whole update anyway, and the screen may be
// overwritten by the next capture as soon as the update is encoded.
#define NAPI_VERSION 8
#include <node_api.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

// Everything one call needs, on the heap: after a longjmp back into encode() only memory
// reached through a pointer set before setjmp is read, never a local libjpeg changed since.
typedef struct {
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  struct jpeg_destination_mgr dest;
  unsigned char* buf;  // the output so far; grown by realloc, freed by encode() either way
  size_t cap;
} job;

// libjpeg's default error_exit ends the process; this returns to encode() instead.
static void on_error(j_common_ptr cinfo) {
  job* j = (job*)cinfo->client_data;
  (*cinfo->err->format_message)(cinfo, j->message);
  longjmp(j->jump, 1);
}

static void on_message(j_common_ptr cinfo) { (void)cinfo; }

// A destination that grows one malloc'd buffer (libjpeg's own jpeg_mem_dest frees and
// replaces its buffer without telling the caller until the end, which an error path cannot
// clean up after).
static void dest_init(j_compress_ptr cinfo) {
  job* j = (job*)cinfo->client_data;
  j->dest.next_output_byte = j->buf;
  j->dest.free_in_buffer = j->cap;
}

static boolean dest_grow(j_compress_ptr cinfo) {
  job* j = (job*)cinfo->client_data;
  unsigned char* grown = realloc(j->buf, j->cap * 2);
  if (!grown) {
    snprintf(j->message, sizeof j->message, "out of memory for the JPEG's output");
    longjmp(j->jump, 1);
  }
  j->buf = grown;
  j->dest.next_output_byte = grown + j->cap;
  j->dest.free_in_buffer = j->cap;
  j->cap *= 2;
  return TRUE;
}

static void dest_term(j_compress_ptr cinfo) { (void)cinfo; }

static int get_int(napi_env env, napi_value v, int64_t* out) {
  double d;
  // Doubles, not int32: napi_get_value_int32 wraps 2^32 to 0, which would pass the bounds check.
  if (napi_get_value_double(env, v, &d) != napi_ok || d != d || d < -1e15 || d > 1e15 || d != (double)(int64_t)d) return 0;
  *out = (int64_t)d;
  return 1;
}

// Output row j of a halved rect: the rounded mean of each 2x2 block of source rows 2j and
// 2j + 1 (the last row or column repeats where the rect's side is odd), every channel at once:
// two of a pixel's four bytes per 32-bit word, each in a 16-bit lane that holds a sum of four.
static inline uint32_t mean4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  const uint32_t m = 0x00ff00ffu, round = 0x00020002u;
  uint32_t even = (a & m) + (b & m) + (c & m) + (d & m) + round;
  uint32_t odd = ((a >> 8) & m) + ((b >> 8) & m) + ((c >> 8) & m) + ((d >> 8) & m) + round;
  return ((even >> 2) & m) | (((odd >> 2) & m) << 8);
}

static void halve_row(const uint8_t* base, int64_t stride, int64_t x, int64_t y, int64_t w, int64_t h, int64_t j, uint32_t* out) {
  const uint8_t* t = base + ((size_t)(y + 2 * j) * (size_t)stride + (size_t)x) * 4;
  const uint8_t* b = 2 * j + 1 < h ? t + (size_t)stride * 4 : t;
  int64_t pairs = w / 2;
  uint32_t p[4];
  for (int64_t i = 0; i < pairs; i++) {
    memcpy(p, t + i * 8, 8);  // memcpy: the rows need not be 4-byte aligned in the caller's buffer
    memcpy(p + 2, b + i * 8, 8);
    out[i] = mean4(p[0], p[1], p[2], p[3]);
  }
  if (w % 2) {
    memcpy(p, t + pairs * 8, 4);
    memcpy(p + 2, b + pairs * 8, 4);
    out[pairs] = mean4(p[0], p[0], p[2], p[2]);
  }
}

static napi_value encode(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  int64_t stride = 0, x = 0, y = 0, w = 0, h = 0, quality = 0;
  bool bgr = false, half = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      !get_int(env, argv[1], &stride) || !get_int(env, argv[2], &x) || !get_int(env, argv[3], &y) || !get_int(env, argv[4], &w) ||
      !get_int(env, argv[5], &h) || napi_get_value_bool(env, argv[6], &bgr) != napi_ok || !get_int(env, argv[7], &quality) || (argc > 8 && napi_get_value_bool(env, argv[8], &half) != napi_ok)) {
    napi_throw_type_error(env, NULL, "encode(pixels: Uint8Array, stride, x, y, w, h, bgr: boolean, quality, half?: boolean), all integers");
    return NULL;
  }
  // The rect must lie inside the pixels, which hold `stride` 4-byte pixels a row. Every value
  // is below 1e15 in magnitude and JPEG's sides are at most 65500, so none of this overflows.
  if (stride <= 0 || stride > 65535 || x < 0 || y < 0 || w <= 0 || h <= 0 || w > 65500 || h > 65500 || x + w > stride ||
      (uint64_t)(y + h) * (uint64_t)stride * 4 > (uint64_t)length || quality < 1 || quality > 100) {
    napi_throw_range_error(env, NULL, "the rect is not inside the pixels, or the quality is not 1-100");
    return NULL;
  }
  // The JPEG's size: the rect's, or half of it rounded up.
  int64_t ow = half ? (w + 1) / 2 : w, oh = half ? (h + 1) / 2 : h;
  // Halved, one row at a time goes through `line` (the only copy); else the rect's rows are
  // read where they lie.
  JSAMPROW* rows = half ? NULL : malloc(sizeof(JSAMPROW) * (size_t)h);
  uint32_t* line = half ? malloc((size_t)ow * 4) : NULL;
  job* j = calloc(1, sizeof(job));
  // A JPEG of a screen's content at the agent's qualities is well under a byte a pixel; a
  // quarter of that covers most, and the rest grow by doubling.
  size_t cap = (size_t)(ow * oh / 4) + 4096;
  unsigned char* buf = malloc(cap);
  if ((!rows && !line) || !j || !buf) {
    free(rows);
    free(line);
    free(j);
    free(buf);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  uint8_t* base = (uint8_t*)data;
  if (rows) for (int64_t i = 0; i < h; i++) rows[i] = base + ((size_t)(y + i) * (size_t)stride + (size_t)x) * 4;
  j->buf = buf;
  j->cap = cap;

  j->cinfo.err = jpeg_std_error(&j->err);
  j->err.error_exit = on_error;
  j->err.output_message = on_message;
  // Set before jpeg_create_compress, which keeps it: on_error finds the job through it, and
  // create itself errors out when the library is not the version of the headers.
  j->cinfo.client_data = j;
  if (setjmp(j->jump)) {
    napi_throw_error(env, NULL, j->message[0] ? j->message : "libjpeg failed");
    jpeg_destroy_compress(&j->cinfo);
    free(rows);
    free(line);
    free(j->buf);
    free(j);
    return NULL;
  }
  jpeg_create_compress(&j->cinfo);
  j->dest.init_destination = dest_init;
  j->dest.empty_output_buffer = dest_grow;
  j->dest.term_destination = dest_term;
  j->cinfo.dest = &j->dest;
  j->cinfo.image_width = (JDIMENSION)ow;
  j->cinfo.image_height = (JDIMENSION)oh;
  j->cinfo.input_components = 4;
  j->cinfo.in_color_space = bgr ? JCS_EXT_BGRX : JCS_EXT_RGBX;
  jpeg_set_defaults(&j->cinfo);  // YCbCr, 2x2 luma sampling (4:2:0), no optimised Huffman tables
  jpeg_set_quality(&j->cinfo, (int)quality, TRUE);
  j->cinfo.optimize_coding = FALSE;
  j->cinfo.write_JFIF_header = FALSE;  // 18 bytes per JPEG no decoder needs (sharp leaves it out too)
  jpeg_start_compress(&j->cinfo, TRUE);
  if (rows) {
    jpeg_write_scanlines(&j->cinfo, rows, (JDIMENSION)h);
  } else {
    for (int64_t r = 0; r < oh; r++) {
      halve_row(base, stride, x, y, w, h, r, line);
      JSAMPROW one = (JSAMPROW)line;
      jpeg_write_scanlines(&j->cinfo, &one, 1);
    }
  }
  jpeg_finish_compress(&j->cinfo);
  size_t size = j->cap - j->dest.free_in_buffer;
  jpeg_destroy_compress(&j->cinfo);
  free(rows);
  free(line);

  napi_value result;
  void* copy = NULL;
  napi_status status = napi_create_buffer_copy(env, size, j->buf, &copy, &result);
  free(j->buf);
  free(j);
  if (status != napi_ok) {
    napi_throw_error(env, NULL, "could not allocate the JPEG's buffer");
    return NULL;
  }
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "encode", NAPI_AUTO_LENGTH, encode, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "encode", fn) != napi_ok) return NULL;
  return exports;
}
