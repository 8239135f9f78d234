#include "network/limits.h"

#include <gtest/gtest.h>

namespace meridian::network {
TEST(LimitBookTest, Placeholder) {}
}  // namespace meridian::network
