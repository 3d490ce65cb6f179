#pragma once
// Invariant checks. Never use on external input (that is a Status); only for what cannot happen.

#include <cstdio>
#include <cstdlib>

/// Always on: prints the failed condition and aborts.
#define FEDFLOW_CHECK(cond)                                                                   \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "fatal: check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

#ifdef NDEBUG
#define FEDFLOW_DCHECK(cond) \
  do {                       \
  } while (0)
#else
#define FEDFLOW_DCHECK(cond) FEDFLOW_CHECK(cond)
#endif
