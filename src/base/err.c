/*
 * err.c - names for the error enum in err.h.
 */
#include "base/err.h"

const char *err_name(enum err e)
{
	switch (e) {
	case ERR_OK:        return "ok";
	case ERR_INVAL:     return "invalid_input";
	case ERR_TOOBIG:    return "too_big";
	case ERR_NOTFOUND:  return "not_found";
	case ERR_METHOD:    return "method_not_allowed";
	case ERR_AUTH:      return "unauthenticated";
	case ERR_FORBIDDEN: return "forbidden";
	case ERR_THROTTLED: return "throttled";
	case ERR_CONFLICT:  return "conflict";
	case ERR_DB:        return "storage_error";
	case ERR_UNAVAILABLE: return "store_unavailable";
	case ERR_CRYPTO:    return "crypto_error";
	case ERR_NOMEM:     return "out_of_memory";
	case ERR_INTERNAL:  return "internal_error";
	}
	return "unknown";
}
