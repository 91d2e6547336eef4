// A raw deflate stream whose every push ends in a sync flush, on the calling thread:
//   const d = new Deflater(level); d.push(bytes) -> Buffer (ends with 00 00 ff ff); d.close()
// The stream's context (its window) carries over from push to push, so each update's
// section compresses against the ones before it, as the viewer inflates them in order.
//
// Why not node:zlib: its streams run every write and flush on libuv's thread pool and come
// back through the event loop, a hand-off each way per message for a few hundred bytes of
// input. This uses the zlib Node itself is built with (its symbols and zlib.h ship with
// Node), so the addon needs no library of the machine's.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
  z_stream z;
  int open;
} deflater;

// Marks the objects this addon wraps, so push() never reads another addon's object as a stream.
static const napi_type_tag DEFLATER_TAG = {0x6564676564657366ULL, 0x6c6174652d763031ULL};

// One push takes at most this much (the agent's messages are at most 1 MiB): zlib counts in
// 32-bit uInt, and deflateBound of this stays well inside it.
#define MAX_PUSH_BYTES (256u * 1024 * 1024)

static void end_stream(deflater* d) {
  if (d->open) deflateEnd(&d->z);
  d->open = 0;
}

static void finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  end_stream((deflater*)data);
  free(data);
}

static napi_value construct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self, target;
  int32_t level = 6;
  if (napi_get_new_target(env, info, &target) != napi_ok || target == NULL) {
    napi_throw_type_error(env, NULL, "Deflater is a class: use new Deflater(level)");
    return NULL;
  }
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argv[0], &level) != napi_ok ||
      level < 0 || level > 9) {
    napi_throw_range_error(env, NULL, "new Deflater(level) takes a level 0-9");
    return NULL;
  }
  deflater* d = calloc(1, sizeof(deflater));
  if (!d) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  // -15: a raw stream (no zlib header), 32 KiB window; memLevel 8 as zlib's default.
  if (deflateInit2(&d->z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(d);
    napi_throw_error(env, NULL, "deflateInit2 failed");
    return NULL;
  }
  d->open = 1;
  // Tag first: once wrapped, the finalizer owns d, and freeing it here as well after a failed
  // tag would free it twice.
  if (napi_type_tag_object(env, self, &DEFLATER_TAG) != napi_ok || napi_wrap(env, self, d, finalize, NULL, NULL) != napi_ok) {
    end_stream(d);
    free(d);
    napi_throw_error(env, NULL, "could not wrap the stream");
    return NULL;
  }
  return self;
}

static deflater* unwrap(napi_env env, napi_value self) {
  void* d = NULL;
  bool tagged = false;
  if (napi_check_object_type_tag(env, self, &DEFLATER_TAG, &tagged) != napi_ok || !tagged || napi_unwrap(env, self, &d) != napi_ok || !d) {
    napi_throw_type_error(env, NULL, "not a Deflater");
    return NULL;
  }
  return (deflater*)d;
}

static napi_value push(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self;
  napi_typedarray_type type;
  size_t length = 0;
  void* input = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok) return NULL;
  deflater* d = unwrap(env, self);
  if (!d) return NULL;
  if (argc < 1 || napi_get_typedarray_info(env, argv[0], &type, &length, &input, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "push(bytes: Uint8Array)");
    return NULL;
  }
  if (!d->open) {
    napi_throw_error(env, NULL, "the stream is closed");
    return NULL;
  }
  if (length > MAX_PUSH_BYTES) {
    napi_throw_range_error(env, NULL, "push() takes at most 256 MiB at a time");
    return NULL;
  }
  // deflateBound covers the input; a sync flush adds at most a few bytes (its empty stored
  // block), and whatever an earlier push's flush left is already out. Grown if ever short.
  size_t cap = deflateBound(&d->z, (uLong)length) + 64, used = 0;
  unsigned char* out = malloc(cap);
  if (!out) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  d->z.next_in = (Bytef*)input;
  d->z.avail_in = (uInt)length;
  for (;;) {
    d->z.next_out = out + used;
    d->z.avail_out = (uInt)(cap - used);  // cap stays far below 4 GiB: see MAX_PUSH_BYTES
    int rc = deflate(&d->z, Z_SYNC_FLUSH);
    used = (size_t)(d->z.next_out - out);
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      free(out);
      end_stream(d);
      napi_throw_error(env, NULL, "deflate failed; the stream is closed");
      return NULL;
    }
    if (d->z.avail_out != 0) break;  // all input taken and the flush complete
    unsigned char* grown = cap * 2 > 0xffffffffu ? NULL : realloc(out, cap * 2);
    if (!grown) {
      free(out);
      end_stream(d);
      napi_throw_error(env, NULL, "out of memory; the stream is closed");
      return NULL;
    }
    out = grown;
    cap *= 2;
  }
  d->z.next_in = NULL;  // the input belongs to JavaScript: no pointer into it is kept
  napi_value result;
  void* copy = NULL;
  napi_status status = napi_create_buffer_copy(env, used, out, &copy, &result);
  free(out);
  if (status != napi_ok) {
    napi_throw_error(env, NULL, "could not allocate the output");
    return NULL;
  }
  return result;
}

static napi_value close_stream(napi_env env, napi_callback_info info) {
  napi_value self;
  if (napi_get_cb_info(env, info, NULL, NULL, &self, NULL) != napi_ok) return NULL;
  deflater* d = unwrap(env, self);
  if (d) end_stream(d);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor methods[] = {
      {"push", NULL, push, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_stream, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls;
  if (napi_define_class(env, "Deflater", NAPI_AUTO_LENGTH, construct, NULL, 2, methods, &cls) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "Deflater", cls) != napi_ok) return NULL;
  return exports;
}
