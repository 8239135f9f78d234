#include "core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace meridian::internal {

CheckFailure::CheckFailure(const char* file, int line, const char* condition) {
  stream_ << file << ":" << line << ": invariant failed: " << condition << " ";
}

CheckFailure::~CheckFailure() {
  std::string message = stream_.str();
  std::fprintf(stderr, "FATAL %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace meridian::internal
