#pragma once
// The parameters FATE 1.11's HeteroLR and HomoLR share (LogisticParam): optimizer, penalty,
// iterations, batches, early stop, initial weights and the prediction threshold, read with errors
// that name the key.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/ml/linear/optimizer.hpp"
#include "components/sdk/params.hpp"

namespace fedflow::ml {

struct LinearTrainParams {
  OptimizerParams optimizer;
  int max_iter = 100;
  std::int64_t batch_size = -1;     ///< -1: the whole data set in one batch
  std::string early_stop = "diff";  ///< diff | abs | weight_diff
  double tol = 1e-4;
  std::string init_method = "random_uniform";  ///< zeros | ones | const | random_uniform | random_normal
  double init_const = 1;
  bool fit_intercept = true;
  std::uint64_t random_seed = 0;
};

/// Initial weights by init_method, random ones drawn from a generator seeded with `seed`.
std::vector<double> InitialWeights(const LinearTrainParams& p, std::size_t n, std::uint64_t seed);

/// The logistic function, without overflow for large |z|.
double Sigmoid(double z);

/// The keys ReadLinearParams reads, and FATE's keys both modules accept and leave alone.
const std::set<std::string>& LinearParamKeys();

/// Reads the shared keys into `lr`, whose values are the defaults (each module's FATE defaults),
/// and predict_param.threshold into `threshold`. Unknown keys are the caller's check (its own keys
/// with LinearParamKeys()).
Status ReadLinearParams(const worker::Params& p, LinearTrainParams* lr, double* threshold);

}  // namespace fedflow::ml
