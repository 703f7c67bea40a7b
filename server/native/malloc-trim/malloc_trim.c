/*
 * trim(): asks the C library to give the memory it holds free back to the system (glibc's malloc_trim(0), which
 * since glibc 2.8 returns the whole free pages of every arena, not only the top of the main heap). glibc keeps what
 * a burst of requests and threads freed; the server calls this once it has gone idle (server/idle-collect.ts).
 * Elsewhere (musl, macOS, Windows) it does nothing and answers false.
 */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
