// Invariant checks that stay on in release builds.
//
// Meridian moves money: a broken invariant must stop the process rather than
// let it write a wrong number. MERIDIAN_CHECK is therefore never compiled out
// (it ignores NDEBUG). Use it for ledger, journal and engine invariants.
// MERIDIAN_DCHECK is for expensive checks that only debug builds can afford.
//
//   MERIDIAN_CHECK(total_debits == total_credits) << "ledger " << ledger;
//
// Bad *input* is never a CHECK: it is an Error returned to the caller.
#ifndef MERIDIAN_CORE_ASSERT_H_
#define MERIDIAN_CORE_ASSERT_H_

#include <sstream>

namespace meridian::internal {

// Collects the streamed message and aborts in its destructor.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Lets `MERIDIAN_CHECK(x) << ...` be an expression of type void.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace meridian::internal

#define MERIDIAN_CHECK(condition)                                              \
  (__builtin_expect(static_cast<bool>(condition), 1))                          \
      ? (void)0                                                                \
      : ::meridian::internal::Voidify() &                                      \
            ::meridian::internal::CheckFailure(__FILE__, __LINE__, #condition) \
                .stream()

#ifdef NDEBUG
#define MERIDIAN_DCHECK(condition) \
  while (false) MERIDIAN_CHECK(condition)
#else
#define MERIDIAN_DCHECK(condition) MERIDIAN_CHECK(condition)
#endif

#endif  // MERIDIAN_CORE_ASSERT_H_
