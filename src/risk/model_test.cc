#include "risk/model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "risk/testing/risk_files.h"
#include "risk/train.h"

namespace meridian::risk {
namespace {

// A small labelled set from the simulator, features as the engine computes
// them: 2 days of 400 payers.
const Dataset& SmallSet() {
  static const Dataset* d = new Dataset(BuildDataset(
      {.seed = 11, .payers = 400, .merchants = 60, .card_testing_runs = 4,
       .takeovers = 10, .stolen_cards = 6},
      2, 0));
  return *d;
}

const std::vector<uint8_t>& SmallModel() {
  static const std::vector<uint8_t>* m = [] {
    const Dataset& d = SmallSet();
    Result<std::vector<uint8_t>> r = TrainModel(
        d.matrix, d.rows(), d.labels, {.rounds = 20, .max_depth = 4});
    MERIDIAN_CHECK(r.ok()) << r.error().ToString();
    return new std::vector<uint8_t>(std::move(r).value());
  }();
  return *m;
}

TEST(ModelTest, TrainingIsDeterministic) {
  const Dataset& d = SmallSet();
  Result<std::vector<uint8_t>> again =
      TrainModel(d.matrix, d.rows(), d.labels, {.rounds = 20, .max_depth = 4});
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, SmallModel());
}

// The compiled trees give the C API's score on every row, quantised to
// basis points (and the same margin to float rounding).
TEST(ModelTest, CompiledEqualsCApi) {
  const Dataset& d = SmallSet();
  Result<XgbModel> xgb = XgbModel::Load(SmallModel());
  ASSERT_TRUE(xgb.ok()) << xgb.error().ToString();
  Result<CompiledModel> compiled = CompiledModel::Load(SmallModel());
  ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
  EXPECT_EQ(compiled->tree_count(), 20u);
  EXPECT_EQ(xgb->tree_count(), 20u);

  Result<std::vector<float>> batch = xgb->Predict(d.matrix, d.rows());
  ASSERT_TRUE(batch.ok()) << batch.error().ToString();
  size_t differ = 0;
  for (size_t i = 0; i < d.rows(); ++i) {
    const float* row = &d.matrix[i * kFeatureCount];
    uint16_t expected = ProbabilityToBp((*batch)[i]);
    if (compiled->ScoreBpRow(row) != expected) ++differ;
    if (i % 97 == 0) {
      Result<float> one = xgb->PredictOne(row);
      ASSERT_TRUE(one.ok()) << one.error().ToString();
      EXPECT_EQ(ProbabilityToBp(*one), expected) << i;
    }
  }
  EXPECT_EQ(differ, 0u) << "of " << d.rows();
}

// The same for the shipped model on features of another simulated world.
TEST(ModelTest, ShippedModelCompiledEqualsCApi) {
  std::vector<uint8_t> bytes = testing::ShippedModel();
  ASSERT_FALSE(bytes.empty()) << "models/risk/model.json";
  Result<XgbModel> xgb = XgbModel::Load(bytes);
  ASSERT_TRUE(xgb.ok()) << xgb.error().ToString();
  Result<CompiledModel> compiled = CompiledModel::Load(bytes);
  ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
  EXPECT_LE(compiled->tree_count(), 100u);
  const Dataset& d = SmallSet();
  Result<std::vector<float>> batch = xgb->Predict(d.matrix, d.rows());
  ASSERT_TRUE(batch.ok());
  size_t differ = 0;
  for (size_t i = 0; i < d.rows(); ++i) {
    if (compiled->ScoreBpRow(&d.matrix[i * kFeatureCount]) !=
        ProbabilityToBp((*batch)[i])) {
      ++differ;
    }
  }
  EXPECT_EQ(differ, 0u) << "of " << d.rows();
}

TEST(ModelTest, ExplainMatchesScoreAndSumsToTheMargin) {
  const Dataset& d = SmallSet();
  Result<CompiledModel> m = CompiledModel::Load(SmallModel());
  ASSERT_TRUE(m.ok());
  for (size_t i = 0; i < d.rows(); i += 53) {
    FeatureVector f;
    for (size_t k = 0; k < kFeatureCount; ++k) {
      f.values[k] = static_cast<int64_t>(d.matrix[i * kFeatureCount + k]);
    }
    Contributions c;
    uint16_t bp = m->Explain(f, &c);
    EXPECT_EQ(bp, m->ScoreBp(f));
    // Saabas: bias (the trees' root means) + contributions = margin.
    float sum = 0;
    for (float x : c) sum += x;
    std::array<float, kFeatureCount> row = ModelRow(f);
    float margin = m->Margin(row.data());
    EXPECT_LT(std::fabs(margin - sum), 20.0f);  // bias is bounded
  }
}

TEST(ModelTest, LoadRejectsGarbage) {
  std::vector<uint8_t> junk = {'{', '"', 'x', '"', '}'};
  Result<CompiledModel> r = CompiledModel::Load(junk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(r.error().param, "model");
  EXPECT_FALSE(CompiledModel::Load({}).ok());
}

// Trained models name their features; a model for other features (here:
// the first renamed) is refused rather than fed shifted columns.
TEST(ModelTest, LoadChecksTheFeatureNames) {
  std::string json(SmallModel().begin(), SmallModel().end());
  size_t at = json.find("\"amount_reporting_minor\"");
  ASSERT_NE(at, std::string::npos) << "the model names its features";
  json.replace(at, 24, "\"amount_something_minor\"");
  Result<CompiledModel> r = CompiledModel::Load(
      std::vector<uint8_t>(json.begin(), json.end()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the model's feature 0 is \"amount_something_minor\"; this build "
            "computes \"amount_reporting_minor\" there");
}

TEST(ModelTest, ProbabilityToBp) {
  EXPECT_EQ(ProbabilityToBp(0.0f), 0);
  EXPECT_EQ(ProbabilityToBp(NAN), 0);
  EXPECT_EQ(ProbabilityToBp(1.0f), 10'000);
  EXPECT_EQ(ProbabilityToBp(0.5f), 5'000);
  EXPECT_EQ(ProbabilityToBp(0.12345f), 1'235);
}

}  // namespace
}  // namespace meridian::risk
