#include "risk/model.h"

#include <xgboost/c_api.h>

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace meridian::risk {
namespace {

Error Bad(std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "model", std::move(message));
}
Error XgbError(std::string_view what) {
  return MakeError(ErrorCode::kINTERNAL_ERROR, "model",
                   std::string(what) + ": " + XGBGetLastError());
}

// Frees a DMatrix on every path out.
struct DMatrix {
  DMatrixHandle h = nullptr;
  ~DMatrix() {
    if (h != nullptr) XGDMatrixFree(h);
  }
};

Result<void*> MakeBooster(DMatrixHandle train) {
  BoosterHandle b = nullptr;
  DMatrixHandle list[1] = {train};
  if (XGBoosterCreate(list, train ? 1 : 0, &b) != 0) {
    return XgbError("XGBoosterCreate");
  }
  // One thread everywhere: determinism, and the engine's core is its own.
  if (XGBoosterSetParam(b, "nthread", "1") != 0) {
    XGBoosterFree(b);
    return XgbError("nthread");
  }
  return static_cast<void*>(b);
}

}  // namespace

std::array<float, kFeatureCount> ModelRow(const FeatureVector& f) {
  std::array<float, kFeatureCount> row;
  for (size_t i = 0; i < kFeatureCount; ++i) {
    row[i] = static_cast<float>(f.values[i]);
  }
  return row;
}

uint16_t ProbabilityToBp(float p) {
  if (!(p > 0.0f)) return 0;  // also NaN
  if (p >= 1.0f) return 10'000;
  return static_cast<uint16_t>(
      std::floor(static_cast<double>(p) * 10'000.0 + 0.5));
}

Result<std::vector<uint8_t>> TrainModel(std::span<const float> matrix,
                                        size_t rows,
                                        std::span<const float> labels,
                                        const TrainParams& p) {
  if (rows == 0 || matrix.size() != rows * kFeatureCount ||
      labels.size() != rows) {
    return Bad("the matrix must have rows x kFeatureCount values and one "
               "label per row");
  }
  if (p.rounds < 1 || static_cast<size_t>(p.rounds) > kMaxTrees ||
      p.max_depth < 1 || p.max_depth > 10) {
    return Bad("rounds 1..1000, max_depth 1..10");
  }
  DMatrix train;
  if (XGDMatrixCreateFromMat(matrix.data(), rows, kFeatureCount, NAN,
                             &train.h) != 0) {
    return XgbError("XGDMatrixCreateFromMat");
  }
  if (XGDMatrixSetFloatInfo(train.h, "label", labels.data(), rows) != 0) {
    return XgbError("label");
  }
  // The model carries the feature names, so loading it into a build whose
  // features differ fails instead of scoring shifted columns.
  std::array<std::string, kFeatureCount> names;
  std::array<const char*, kFeatureCount> name_ptrs;
  for (size_t i = 0; i < kFeatureCount; ++i) {
    names[i] = std::string(FeatureName(i));
    name_ptrs[i] = names[i].c_str();
  }
  if (XGDMatrixSetStrFeatureInfo(train.h, "feature_name", name_ptrs.data(),
                                 kFeatureCount) != 0) {
    return XgbError("feature_name");
  }
  MERIDIAN_ASSIGN_OR_RETURN(void* b, MakeBooster(train.h));
  auto fail = [&](std::string_view what) {
    Error e = XgbError(what);
    XGBoosterFree(b);
    return e;
  };
  char buf[64];
  auto num = [&](double v) {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  };
  struct {
    const char* key;
    std::string value;
  } params[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(p.max_depth)},
      {"eta", num(p.eta)},
      {"min_child_weight", num(p.min_child_weight)},
      {"scale_pos_weight", num(p.scale_pos_weight)},
      {"seed", std::to_string(p.seed)},
      {"base_score", "0.5"},
      {"eval_metric", "auc"},
  };
  for (const auto& kv : params) {
    if (XGBoosterSetParam(b, kv.key, kv.value.c_str()) != 0) {
      return fail(kv.key);
    }
  }
  if (XGBoosterSetStrFeatureInfo(b, "feature_name", name_ptrs.data(),
                                 kFeatureCount) != 0) {
    return fail("feature_name");
  }
  for (int i = 0; i < p.rounds; ++i) {
    if (XGBoosterUpdateOneIter(b, i, train.h) != 0) {
      return fail("XGBoosterUpdateOneIter");
    }
  }
  bst_ulong len = 0;
  const char* data = nullptr;
  if (XGBoosterSaveModelToBuffer(b, R"({"format": "json"})", &len, &data) !=
      0) {
    return fail("XGBoosterSaveModelToBuffer");
  }
  std::vector<uint8_t> out(data, data + len);
  XGBoosterFree(b);
  return out;
}

// --- XgbModel ---

Result<XgbModel> XgbModel::Load(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes.size() > kMaxModelBytes) {
    return Bad("model bytes: 1 byte to 16 MiB");
  }
  MERIDIAN_ASSIGN_OR_RETURN(void* b, MakeBooster(nullptr));
  if (XGBoosterLoadModelFromBuffer(b, bytes.data(), bytes.size()) != 0) {
    Error e = Bad(std::string("XGBoost cannot load it: ") + XGBGetLastError());
    XGBoosterFree(b);
    return e;
  }
  // Loading resets the thread count to the model's; set it again.
  XGBoosterSetParam(b, "nthread", "1");
  bst_ulong features = 0;
  if (XGBoosterGetNumFeature(b, &features) != 0 ||
      features != kFeatureCount) {
    XGBoosterFree(b);
    return Bad("the model has " + std::to_string(features) +
               " features; this build computes " +
               std::to_string(kFeatureCount));
  }
  XgbModel m;
  m.booster_ = b;
  return m;
}

XgbModel::~XgbModel() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}
XgbModel::XgbModel(XgbModel&& o) noexcept : booster_(o.booster_) {
  o.booster_ = nullptr;
}
XgbModel& XgbModel::operator=(XgbModel&& o) noexcept {
  std::swap(booster_, o.booster_);
  return *this;
}

Result<std::vector<float>> XgbModel::Predict(std::span<const float> matrix,
                                             size_t rows) const {
  if (matrix.size() != rows * kFeatureCount) {
    return Bad("rows x kFeatureCount values");
  }
  if (rows == 0) return std::vector<float>();
  DMatrix d;
  if (XGDMatrixCreateFromMat(matrix.data(), rows, kFeatureCount, NAN, &d.h) !=
      0) {
    return XgbError("XGDMatrixCreateFromMat");
  }
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0,)"
      R"( "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  if (XGBoosterPredictFromDMatrix(booster_, d.h, config, &shape, &dim, &out) !=
      0) {
    return XgbError("XGBoosterPredictFromDMatrix");
  }
  return std::vector<float>(out, out + rows);
}

Result<float> XgbModel::PredictOne(const float* row) const {
  char values[160];
  std::snprintf(values, sizeof values,
                R"({"data": [%llu, true], "shape": [1, %zu], )"
                R"("typestr": "<f4", "version": 3})",
                static_cast<unsigned long long>(
                    reinterpret_cast<uintptr_t>(row)),
                kFeatureCount);
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0,)"
      R"( "iteration_end": 0, "strict_shape": false, "missing": NaN,)"
      R"( "cache_id": 0})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  if (XGBoosterPredictFromDense(booster_, values, config, nullptr, &shape,
                                &dim, &out) != 0) {
    return XgbError("XGBoosterPredictFromDense");
  }
  return out[0];
}

Result<std::string> XgbModel::SaveJson() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &len,
                                 &data) != 0) {
    return XgbError("XGBoosterSaveModelToBuffer");
  }
  return std::string(data, len);
}

size_t XgbModel::tree_count() const {
  int rounds = 0;
  XGBoosterBoostedRounds(booster_, &rounds);
  return static_cast<size_t>(rounds);
}

// --- CompiledModel ---

Result<CompiledModel> CompiledModel::Load(std::span<const uint8_t> bytes) {
  // The C API validates the bytes (either format) and writes the canonical
  // JSON the compiler reads.
  MERIDIAN_ASSIGN_OR_RETURN(XgbModel xgb, XgbModel::Load(bytes));
  MERIDIAN_ASSIGN_OR_RETURN(std::string json, xgb.SaveJson());

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    return Bad("the model's JSON does not parse");
  }
  simdjson::dom::element learner;
  if (root["learner"].get(learner) != simdjson::SUCCESS) {
    return Bad("no learner in the model");
  }
  // Models trained here name their features; they must be this build's,
  // in this order. (A model without names is taken on trust.)
  simdjson::dom::array feature_names;
  if (learner["feature_names"].get(feature_names) == simdjson::SUCCESS &&
      feature_names.size() != 0) {
    size_t i = 0;
    for (simdjson::dom::element e : feature_names) {
      std::string_view name;
      if (i >= kFeatureCount || e.get(name) != simdjson::SUCCESS ||
          name != FeatureName(i)) {
        return Bad("the model's feature " + std::to_string(i) + " is \"" +
                   std::string(name) + "\"; this build computes \"" +
                   std::string(i < kFeatureCount ? FeatureName(i) : "") +
                   "\" there");
      }
      ++i;
    }
  }
  std::string_view objective;
  if (learner["objective"]["name"].get(objective) != simdjson::SUCCESS ||
      objective != "binary:logistic") {
    return Bad("the objective must be binary:logistic, not \"" +
               std::string(objective) + "\"");
  }
  std::string_view base_score_text;
  if (learner["learner_model_param"]["base_score"].get(base_score_text) !=
      simdjson::SUCCESS) {
    return Bad("no base_score");
  }
  float base_score = std::strtof(std::string(base_score_text).c_str(), nullptr);
  if (!(base_score > 0.0f && base_score < 1.0f)) return Bad("bad base_score");

  simdjson::dom::array trees;
  if (learner["gradient_booster"]["model"]["trees"].get(trees) !=
      simdjson::SUCCESS) {
    return Bad("no trees (only gbtree models are supported)");
  }
  CompiledModel m;
  // As XGBoost's logistic ProbToMargin, in float.
  m.base_margin_ = -std::log(1.0f / base_score - 1.0f);
  m.bytes_.assign(bytes.begin(), bytes.end());
  for (simdjson::dom::element tree : trees) {
    if (m.roots_.size() >= kMaxTrees) return Bad("more than 1000 trees");
    simdjson::dom::array left, right, split_idx, split_cond, default_left,
        hess;
    if (tree["left_children"].get(left) || tree["right_children"].get(right) ||
        tree["split_indices"].get(split_idx) ||
        tree["split_conditions"].get(split_cond) ||
        tree["default_left"].get(default_left) ||
        tree["sum_hessian"].get(hess)) {
      return Bad("a tree lacks its node arrays");
    }
    size_t n = left.size();
    if (n == 0 || n > kMaxNodes || right.size() != n ||
        split_idx.size() != n || split_cond.size() != n ||
        default_left.size() != n || hess.size() != n) {
      return Bad("a tree's node arrays disagree in length");
    }
    // Read the tree with XGBoost's numbering, then renumber it breadth
    // first so that every node's children are adjacent (right = left + 1):
    // the walk then picks a child with arithmetic instead of a branch the
    // CPU cannot predict.
    std::vector<Node> local(n);
    std::vector<int32_t> right_of(n);
    std::vector<float> cover(n);
    for (size_t i = 0; i < n; ++i) {
      int64_t l, r, f;
      double cond, h;
      if (left.at(i).get(l) || right.at(i).get(r) || split_idx.at(i).get(f) ||
          split_cond.at(i).get(cond) || hess.at(i).get(h)) {
        return Bad("a tree node is not numeric");
      }
      simdjson::dom::element dl = default_left.at(i);
      bool dflt = false;
      int64_t dl_int;
      if (dl.is_bool()) {
        dflt = dl.get_bool().value();
      } else if (dl.get(dl_int) == simdjson::SUCCESS) {
        dflt = dl_int != 0;
      } else {
        return Bad("default_left is neither bool nor integer");
      }
      bool leaf = l == -1;
      // Children after their parent (XGBoost's layout) also rules out
      // cycles.
      if (!leaf && (l <= static_cast<int64_t>(i) ||
                    r <= static_cast<int64_t>(i) ||
                    l >= static_cast<int64_t>(n) ||
                    r >= static_cast<int64_t>(n) || f < 0 ||
                    f >= static_cast<int64_t>(kFeatureCount))) {
        return Bad("a tree node points outside its tree");
      }
      local[i].left = leaf ? -1 : static_cast<int32_t>(l);
      right_of[i] = leaf ? -1 : static_cast<int32_t>(r);
      local[i].feature = leaf ? 0 : static_cast<uint32_t>(f);
      local[i].value = static_cast<float>(cond);
      local[i].default_left = dflt;
      cover[i] = static_cast<float>(h);
    }
    // Node means for contributions, children before parents.
    std::vector<float> mean(n);
    for (size_t k = n; k-- > 0;) {
      if (local[k].left < 0) {
        mean[k] = local[k].value;
      } else {
        size_t lk = static_cast<size_t>(local[k].left);
        size_t rk = static_cast<size_t>(right_of[k]);
        float c = cover[lk] + cover[rk];
        mean[k] = c > 0 ? (cover[lk] * mean[lk] + cover[rk] * mean[rk]) / c
                        : 0.0f;
      }
    }
    // Breadth-first renumbering.
    const uint32_t base = static_cast<uint32_t>(m.nodes_.size());
    m.roots_.push_back(base);
    std::vector<int32_t> order = {0};  // new position -> old index
    std::vector<bool> seen(n, false);
    seen[0] = true;
    for (size_t q = 0; q < order.size(); ++q) {
      int32_t old = order[q];
      if (local[old].left >= 0) {
        for (int32_t child : {local[old].left, right_of[old]}) {
          if (seen[child]) return Bad("a tree node has two parents");
          seen[child] = true;
          order.push_back(child);
        }
      }
    }
    std::vector<int32_t> position(n, -1);
    for (size_t q = 0; q < order.size(); ++q) position[order[q]] = q;
    for (int32_t old : order) {
      Node node = local[old];
      if (node.left >= 0) {
        node.left = static_cast<int32_t>(base) + position[node.left];
        MERIDIAN_CHECK(position[right_of[old]] ==
                       position[local[old].left] + 1);
      }
      m.nodes_.push_back(node);
      m.mean_.push_back(mean[old]);
    }
  }
  if (m.roots_.empty()) return Bad("the model has no trees");
  return m;
}

namespace {

// Which child a row takes at `n`: XGBoost sends x < split left, a missing
// value (NaN) the default way. Children are adjacent (left, left + 1).
template <typename N>
inline int32_t Child(const N& n, float x) {
  bool right = std::isnan(x) ? !n.default_left : !(x < n.value);
  return n.left + static_cast<int32_t>(right);
}

// XGBoost's logistic transform, in float, then basis points.
inline uint16_t MarginToBp(float margin) {
  return ProbabilityToBp(1.0f / (1.0f + std::exp(-margin)));
}

}  // namespace

float CompiledModel::Margin(const float* row) const {
  // Summed in float, tree after tree from the base margin, as XGBoost's CPU
  // predictor does, so the quantised score is the same.
  float margin = base_margin_;
  const Node* nodes = nodes_.data();
  for (uint32_t root : roots_) {
    const Node* n = nodes + root;
    while (n->left >= 0) n = nodes + Child(*n, row[n->feature]);
    margin += n->value;
  }
  return margin;
}

uint16_t CompiledModel::ScoreBpRow(const float* row) const {
  return MarginToBp(Margin(row));
}

uint16_t CompiledModel::ScoreBp(const FeatureVector& f) const {
  std::array<float, kFeatureCount> row = ModelRow(f);
  return ScoreBpRow(row.data());
}

uint16_t CompiledModel::Explain(const FeatureVector& f,
                                Contributions* out) const {
  std::array<float, kFeatureCount> row = ModelRow(f);
  out->fill(0.0f);
  float margin = base_margin_;
  const Node* nodes = nodes_.data();
  for (uint32_t root : roots_) {
    uint32_t k = root;
    while (nodes[k].left >= 0) {
      const Node& n = nodes[k];
      uint32_t next = static_cast<uint32_t>(Child(n, row[n.feature]));
      (*out)[n.feature] += mean_[next] - mean_[k];
      k = next;
    }
    margin += nodes[k].value;
  }
  return MarginToBp(margin);
}

size_t CompiledModel::ApproxBytes() const {
  return sizeof(*this) + nodes_.capacity() * sizeof(Node) +
         mean_.capacity() * sizeof(float) +
         roots_.capacity() * sizeof(uint32_t) + bytes_.capacity();
}

}  // namespace meridian::risk
