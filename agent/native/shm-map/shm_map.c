// map(fd, size): the MIT-SHM segment file mapped into this process, as an ArrayBuffer.
// The X server writes a capture into that memory and the encoder reads it there: no pread
// of the whole segment per update (8 MB at 1920x1080). Node has no mmap of its own, hence
// this addon; the agent falls back to pread when it is not built (agent/screen/shm-provider.ts).
//
// The mapping lives exactly as long as the ArrayBuffer: it is unmapped only when V8 collects
// it, so no JavaScript reference can outlive it. ftruncate leaves a tmpfs file sparse, and a
// page that cannot be allocated when first touched is a SIGBUS: the whole size is allocated
// here first (posix_fallocate), so a full /dev/shm is an ENOSPC error at creation instead.
// The segment file never shrinks (it is unlinked and sized once), so the mapping cannot fault later.
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value map_segment(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  int64_t size = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int64(env, argv[1], &size) != napi_ok ||
      fd < 0 || size <= 0) {
    napi_throw_type_error(env, NULL, "map(fd, size) takes an open file descriptor and a positive size");
    return NULL;
  }
  int err = posix_fallocate(fd, 0, (off_t)size);
  if (err != 0) {
    napi_throw_error(env, NULL, strerror(err));
    return NULL;
  }
  void* data = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, (size_t)size, unmap, (void*)(uintptr_t)size, &buffer) != napi_ok) {
    munmap(data, (size_t)size);
    napi_throw_error(env, NULL, "could not wrap the mapping in an ArrayBuffer");
    return NULL;
  }
  return buffer;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "map", NAPI_AUTO_LENGTH, map_segment, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "map", fn) != napi_ok) return NULL;
  return exports;
}
