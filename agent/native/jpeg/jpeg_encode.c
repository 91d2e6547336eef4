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

struct error_manager {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// libjpeg's default error_exit ends the process; this returns to encode() instead.
static void on_error(j_common_ptr cinfo) {
  struct error_manager* err = (struct error_manager*)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo) { (void)cinfo; }

static int get_int(napi_env env, napi_value v, int32_t* out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value encode(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  int32_t stride = 0, x = 0, y = 0, w = 0, h = 0, quality = 0;
  bool bgr = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      !get_int(env, argv[1], &stride) || !get_int(env, argv[2], &x) || !get_int(env, argv[3], &y) ||
      !get_int(env, argv[4], &w) || !get_int(env, argv[5], &h) || napi_get_value_bool(env, argv[6], &bgr) != napi_ok ||
      !get_int(env, argv[7], &quality)) {
    napi_throw_type_error(env, NULL, "encode(pixels: Uint8Array, stride, x, y, w, h, bgr: boolean, quality)");
    return NULL;
  }
  // The rect must lie inside the pixels, which hold `stride` 4-byte pixels a row.
  if (stride <= 0 || x < 0 || y < 0 || w <= 0 || h <= 0 || w > 65500 || h > 65500 || x + w > stride ||
      (uint64_t)(y + h) * (uint64_t)stride * 4 > length || quality < 1 || quality > 100) {
    napi_throw_range_error(env, NULL, "the rect is not inside the pixels, or the quality is not 1-100");
    return NULL;
  }
  JSAMPROW* rows = malloc(sizeof(JSAMPROW) * (size_t)h);
  if (!rows) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  uint8_t* base = (uint8_t*)data;
  for (int32_t i = 0; i < h; i++) rows[i] = base + ((size_t)(y + i) * (size_t)stride + (size_t)x) * 4;

  struct jpeg_compress_struct cinfo;
  struct error_manager err;
  unsigned char* out = NULL;
  unsigned long out_size = 0;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  err.message[0] = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    free(rows);
    free(out);
    napi_throw_error(env, NULL, err.message[0] ? err.message : "libjpeg failed");
    return NULL;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = (JDIMENSION)w;
  cinfo.image_height = (JDIMENSION)h;
  cinfo.input_components = 4;
  cinfo.in_color_space = bgr ? JCS_EXT_BGRX : JCS_EXT_RGBX;
  jpeg_set_defaults(&cinfo);  // YCbCr, 2x2 luma sampling (4:2:0), no optimised Huffman tables
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.optimize_coding = FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  jpeg_write_scanlines(&cinfo, rows, (JDIMENSION)h);
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  free(rows);

  napi_value result;
  void* copy = NULL;
  napi_status status = napi_create_buffer_copy(env, out_size, out, &copy, &result);
  free(out);
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
