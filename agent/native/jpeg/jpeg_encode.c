// encode(pixels, stride, x, y, w, h, bgr, quality): one rect of the encoder's 32-bit screen
// as a baseline JPEG (4:2:0, no Huffman optimisation), with the machine's libjpeg-turbo.
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

static napi_value encode(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  int64_t stride = 0, x = 0, y = 0, w = 0, h = 0, quality = 0;
  bool bgr = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      !get_int(env, argv[1], &stride) || !get_int(env, argv[2], &x) || !get_int(env, argv[3], &y) || !get_int(env, argv[4], &w) ||
      !get_int(env, argv[5], &h) || napi_get_value_bool(env, argv[6], &bgr) != napi_ok || !get_int(env, argv[7], &quality)) {
    napi_throw_type_error(env, NULL, "encode(pixels: Uint8Array, stride, x, y, w, h, bgr: boolean, quality), all integers");
    return NULL;
  }
  // The rect must lie inside the pixels, which hold `stride` 4-byte pixels a row. Every value
  // is below 1e15 in magnitude and JPEG's sides are at most 65500, so none of this overflows.
  if (stride <= 0 || stride > 65535 || x < 0 || y < 0 || w <= 0 || h <= 0 || w > 65500 || h > 65500 || x + w > stride ||
      (uint64_t)(y + h) * (uint64_t)stride * 4 > (uint64_t)length || quality < 1 || quality > 100) {
    napi_throw_range_error(env, NULL, "the rect is not inside the pixels, or the quality is not 1-100");
    return NULL;
  }
  JSAMPROW* rows = malloc(sizeof(JSAMPROW) * (size_t)h);
  job* j = calloc(1, sizeof(job));
  // A JPEG of a screen's content at the agent's qualities is well under a byte a pixel; a
  // quarter of that covers most, and the rest grow by doubling.
  size_t cap = (size_t)(w * h / 4) + 4096;
  unsigned char* buf = malloc(cap);
  if (!rows || !j || !buf) {
    free(rows);
    free(j);
    free(buf);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  uint8_t* base = (uint8_t*)data;
  for (int64_t i = 0; i < h; i++) rows[i] = base + ((size_t)(y + i) * (size_t)stride + (size_t)x) * 4;
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
    free(j->buf);
    free(j);
    return NULL;
  }
  jpeg_create_compress(&j->cinfo);
  j->dest.init_destination = dest_init;
  j->dest.empty_output_buffer = dest_grow;
  j->dest.term_destination = dest_term;
  j->cinfo.dest = &j->dest;
  j->cinfo.image_width = (JDIMENSION)w;
  j->cinfo.image_height = (JDIMENSION)h;
  j->cinfo.input_components = 4;
  j->cinfo.in_color_space = bgr ? JCS_EXT_BGRX : JCS_EXT_RGBX;
  jpeg_set_defaults(&j->cinfo);  // YCbCr, 2x2 luma sampling (4:2:0), no optimised Huffman tables
  jpeg_set_quality(&j->cinfo, (int)quality, TRUE);
  j->cinfo.optimize_coding = FALSE;
  j->cinfo.write_JFIF_header = FALSE;  // 18 bytes per JPEG no decoder needs (sharp leaves it out too)
  jpeg_start_compress(&j->cinfo, TRUE);
  jpeg_write_scanlines(&j->cinfo, rows, (JDIMENSION)h);
  jpeg_finish_compress(&j->cinfo);
  size_t size = j->cap - j->dest.free_in_buffer;
  jpeg_destroy_compress(&j->cinfo);
  free(rows);

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
