#include "harness.h"

using Smoke = th::Smmu;

TEST_F(Smoke, CreatesWithDefaultConfig) {
    create();
    ASSERT_NE(smmu, nullptr);
}
