// The vertical-move search's row hashes, on the calling thread, where JavaScript pays per pixel:
//   rowHashes(pixels: Uint32Array, stride, x, y, w, h, hash: Uint32Array, uniform: Uint8Array)
// fills hash[j] and uniform[j] for row segment j of rect (x, y, w, h), as scroll.ts's
// rowHashes does in JavaScript: equal segments get equal hashes (only the pixels count, not
// where they are), and a uniform segment (one colour) is flagged. The values differ from the
// JavaScript's, so one encoder uses one of the two for every hash it compares.
//
// Why: on a screen playing video every update hashes every changed row and finds no scroll;
// in JavaScript that is ~2 ms of a 1920x1080 update, here ~0.8 (memory-bound: four 64-bit
// lanes of two pixels each). The 2-D search's candidate scan was tried here too and was no
// faster than its JavaScript, whose screen is V8's vectorised indexOf over rows it must read
// from memory either way.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <string.h>

static int get_int(napi_env env, napi_value v, int64_t* out) {
  double d;
  // Doubles, not int32: napi_get_value_int32 wraps 2^32 to 0, which would pass the bounds check.
  if (napi_get_value_double(env, v, &d) != napi_ok || d != d || d < -1e15 || d > 1e15 || d != (double)(int64_t)d) return 0;
  *out = (int64_t)d;
  return 1;
}

static int get_array(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  napi_typedarray_type type;
  return napi_get_typedarray_info(env, v, &type, length, data, NULL, NULL) == napi_ok && type == want;
}

#define PRIME 0x100000001b3ULL  // FNV-1a's 64-bit prime: odd, so each step is a bijection
#define SEED 0xcbf29ce484222325ULL
#define UNIFORM_SALT 0x9e3779b97f4a7c15ULL

static inline uint64_t step(uint64_t h, uint64_t v) {
  h = (h ^ v) * PRIME;
  // The product's low bits depend only on the low bits of h ^ v: folding the high half down
  // lets the odd pixel of each pair (the word's high half) reach every bit of the result.
  return h ^ (h >> 29);
}

static inline uint32_t finish(uint64_t h) {
  h *= PRIME;
  return (uint32_t)(h ^ (h >> 32));
}

static uint32_t hash_segment(const uint32_t* p, size_t w, uint8_t* uniform) {
  const uint32_t first = p[0];
  size_t k = 1;
  while (k < w && p[k] == first) k++;
  if (k == w) {
    *uniform = 1;
    return finish(step(UNIFORM_SALT, first));
  }
  *uniform = 0;
  uint64_t h0 = SEED, h1 = SEED ^ 1, h2 = SEED ^ 2, h3 = SEED ^ 3;
  size_t i = 0;
  for (; i + 8 <= w; i += 8) {
    uint64_t v[4];
    memcpy(v, p + i, sizeof v);  // the segment may start at any pixel: no alignment assumed
    h0 = step(h0, v[0]);
    h1 = step(h1, v[1]);
    h2 = step(h2, v[2]);
    h3 = step(h3, v[3]);
  }
  for (; i < w; i++) h0 = step(h0, (uint64_t)p[i] | 0x100000000ULL);
  // The length goes in too, so a segment and the same pixels followed by more never mix up
  // once lanes are combined (the callers only compare segments of one width, but it is free).
  return finish(step(step(step(step(h0, h1), h2), h3), w));
}

static napi_value row_hashes(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  uint32_t* pixels = NULL;
  uint32_t* hash = NULL;
  uint8_t* uniform = NULL;
  size_t length = 0, hashLength = 0, uniformLength = 0;
  int64_t stride = 0, x = 0, y = 0, w = 0, h = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 || !get_array(env, argv[0], napi_uint32_array, (void**)&pixels, &length) ||
      !get_int(env, argv[1], &stride) || !get_int(env, argv[2], &x) || !get_int(env, argv[3], &y) || !get_int(env, argv[4], &w) || !get_int(env, argv[5], &h) ||
      !get_array(env, argv[6], napi_uint32_array, (void**)&hash, &hashLength) || !get_array(env, argv[7], napi_uint8_array, (void**)&uniform, &uniformLength)) {
    napi_throw_type_error(env, NULL, "rowHashes(pixels: Uint32Array, stride, x, y, w, h, hash: Uint32Array, uniform: Uint8Array), all integers");
    return NULL;
  }
  // stride, y and h are capped at 65535 before they are multiplied, so (y + h) * stride stays
  // below 2^33: no wrap-around can make a rect past the pixels look inside them.
  if (stride <= 0 || stride > 65535 || x < 0 || y < 0 || y > 65535 || w <= 0 || h <= 0 || h > 65535 || x + w > stride ||
      (uint64_t)(y + h) * (uint64_t)stride > (uint64_t)length ||
      (uint64_t)h > hashLength || (uint64_t)h > uniformLength) {
    napi_throw_range_error(env, NULL, "the rect is not inside the pixels, or the outputs are shorter than its rows");
    return NULL;
  }
  for (int64_t j = 0; j < h; j++) hash[j] = hash_segment(pixels + (size_t)(y + j) * (size_t)stride + (size_t)x, (size_t)w, uniform + j);
  return NULL;
}

static int export_fn(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!export_fn(env, exports, "rowHashes", row_hashes)) return NULL;
  return exports;
}
