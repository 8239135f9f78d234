// The fraud model (spec/compliance_risk.md, "Fraud risk"): gradient-boosted
// trees trained and stored with the XGBoost C API, scored inside the engine
// by a compiled copy of the same trees.
//
//   // Training (meridian risk train; train.h): a row-major float matrix of
//   // features (features.h order) and 0/1 labels.
//   MERIDIAN_ASSIGN_OR_RETURN(std::vector<uint8_t> json,
//                             TrainModel(matrix, rows, labels, TrainParams{}));
//   // Scoring: load once (a journaled command in the engine), then per row.
//   MERIDIAN_ASSIGN_OR_RETURN(CompiledModel model, CompiledModel::Load(json));
//   uint16_t bp = model.ScoreBp(features);   // 0..10,000
//
// Which path the engine uses, and why: CompiledModel. XGBoost's own
// single-row prediction (XgbModel::PredictOne: XGBoosterPredictFromDense
// from a dense row, nthread 1) costs p50 27 µs, p99 74-85 µs on the shipped
// 60-tree model on a quiet machine (p50 40 µs, p99 138-184 µs under load;
// risk_benchmark BM_ModelXgboostCApi, one core of a shared 2-vCPU AMD EPYC
// VM, release): it parses a JSON config, builds a proxy DMatrix and takes
// locks on every call, so alone it is over the 20 µs budget for features +
// rules + model. CompiledModel reads the trees out of the model's JSON once
// (renumbered breadth first, so children are adjacent and a child is chosen
// by arithmetic) and walks them natively: p50 0.62 µs, p99 1.0 µs
// (BM_ModelCompiled; all of Assess: p50 3.5 µs, p99 4.5-6.1 µs), with no
// allocation, no locks, no threads. Its margins are summed in float in tree
// order, as XGBoost's CPU predictor does, so the quantised score equals the
// C API's: model_test.cc checks every row of an evaluation set, for a model
// trained in the test and for the shipped one.
//
// Determinism. Trees are walked with single-precision compares and adds in
// a fixed order (no FMA contraction: -std=c++20 turns it off, and
// x86-64-v2 has no FMA), and the probability is quantised to basis points
// before any decision; the engine only ever sees the integer. Training uses
// one thread, the hist tree method and a fixed seed, so the same rows give
// the same model bytes.
//
// Limits: kMaxModelBytes of model, kMaxTrees trees, kMaxNodes nodes per
// tree; the model must have exactly kFeatureCount features and the
// binary:logistic objective. TrainModel() stores the feature names in the
// model and Load() checks them against FeatureName(), so a model trained
// for another feature list is refused, not fed shifted columns.
#ifndef MERIDIAN_RISK_MODEL_H_
#define MERIDIAN_RISK_MODEL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "risk/features.h"

namespace meridian::risk {

inline constexpr size_t kMaxModelBytes = 16 << 20;
inline constexpr size_t kMaxTrees = 1000;
inline constexpr size_t kMaxNodes = 1 << 13;

struct TrainParams {
  int rounds = 60;     // trees; 1..kMaxTrees
  int max_depth = 5;   // 1..10
  double eta = 0.3;    // learning rate
  double min_child_weight = 1.0;
  // Weight of the positive (fraud) rows: fraud is rare, and without it the
  // trees spend their splits on the genuine mass.
  double scale_pos_weight = 1.0;
  uint64_t seed = 0;
};

// The features as the model sees them (float, features.h order).
std::array<float, kFeatureCount> ModelRow(const FeatureVector& f);

// Quantises a probability to basis points (round half up): the one place
// floats become the integer the rules and thresholds compare.
uint16_t ProbabilityToBp(float p);

// Trains binary:logistic trees on `rows` rows of kFeatureCount floats each
// (row-major) and their 0/1 labels; returns the model as XGBoost JSON.
Result<std::vector<uint8_t>> TrainModel(std::span<const float> matrix,
                                        size_t rows,
                                        std::span<const float> labels,
                                        const TrainParams& params);

// The XGBoost C API booster: loading, batch prediction (evaluation) and
// single-row prediction (measured against CompiledModel). Not used by the
// engine's scoring path.
class XgbModel {
 public:
  // JSON or UBJSON model bytes.
  static Result<XgbModel> Load(std::span<const uint8_t> bytes);
  ~XgbModel();
  XgbModel(XgbModel&&) noexcept;
  XgbModel& operator=(XgbModel&&) noexcept;

  // Probabilities of `rows` rows (kFeatureCount floats each, row-major).
  Result<std::vector<float>> Predict(std::span<const float> matrix,
                                     size_t rows) const;
  // One row through XGBoosterPredictFromDense (in-place, nthread 1).
  Result<float> PredictOne(const float* row) const;
  // The model as XGBoost JSON.
  Result<std::string> SaveJson() const;
  size_t tree_count() const;

 private:
  XgbModel() = default;
  void* booster_ = nullptr;  // BoosterHandle
};

// A feature's share of one prediction (Saabas: the change of the tree's
// mean value along the path, summed over trees), in margin units.
using Contributions = std::array<float, kFeatureCount>;

class CompiledModel {
 public:
  // Loads `bytes` (JSON or UBJSON) through the C API, validates them and
  // compiles the trees. INVALID_PARAMETER (param "model") naming what is
  // wrong.
  static Result<CompiledModel> Load(std::span<const uint8_t> bytes);

  // Margin (log-odds) and score of one row.
  float Margin(const float* row) const;
  uint16_t ScoreBp(const FeatureVector& f) const;
  uint16_t ScoreBpRow(const float* row) const;
  // Score and per-feature contributions of one row.
  uint16_t Explain(const FeatureVector& f, Contributions* out) const;

  size_t tree_count() const { return roots_.size(); }
  size_t node_count() const { return nodes_.size(); }
  // The bytes it was loaded from: what an engine snapshot keeps.
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  size_t ApproxBytes() const;

 private:
  struct Node {
    int32_t left = -1;  // -1: a leaf; the right child is left + 1
    uint32_t feature = 0;
    float value = 0;  // split condition, or the leaf's value
    bool default_left = false;
  };

  std::vector<Node> nodes_;  // every tree's nodes, breadth first, tree after tree
  std::vector<float> mean_;       // per node: cover-weighted mean of leaves
  std::vector<uint32_t> roots_;   // index of each tree's root in nodes_
  float base_margin_ = 0;
  std::vector<uint8_t> bytes_;
};

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_MODEL_H_
