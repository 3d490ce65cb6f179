#pragma once
// Homo (horizontally split) logistic regression, FedAvg with secure aggregation: the guest and the
// hosts each train on their own rows for `aggregate_iters` epochs (mini-batches, FATE's optimizers
// and penalties, the exact logistic gradient), then send n_k * w_k, n_k and n_k * loss_k masked
// (PairwiseMasks) to the arbiter, which sums them, so it sees only the aggregate; it returns the
// average model sum n_k w_k / sum n_k and the average loss, and judges convergence (diff, abs,
// weight_diff). Every client ends with the same model.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/ml/common/channel.hpp"
#include "components/ml/linear/cipher_vector.hpp"
#include "components/ml/linear/linear_params.hpp"
#include "components/ml/linear/optimizer.hpp"

namespace fedflow::ml {

/// max_iter counts epochs at each client.
struct HomoLrParams : LinearTrainParams {
  HomoLrParams() { init_method = "zeros"; }
  int aggregate_iters = 1;  ///< epochs between aggregations
};

struct HomoLrModel {
  std::vector<double> weights;  ///< coefficients, then the intercept when fit_intercept
  bool fit_intercept = true;
  int rounds = 0;
  bool converged = false;
  std::vector<double> loss;  ///< per aggregation round: the average of the clients' losses
};

Status CheckHomoLrParams(const HomoLrParams& p);

/// A client (guest or host): `x` its rows, `y` their labels (0 or 1).
StatusOr<HomoLrModel> TrainHomoLrClient(Channel& c, const HomoLrParams& p, const Matrix& x, const std::vector<double>& y,
                                        const PartyRef& self, const std::vector<PartyRef>& clients, const PartyRef& arbiter,
                                        const std::string& context);
StatusOr<HomoLrModel> TrainHomoLrArbiter(Channel& c, const HomoLrParams& p, const std::vector<PartyRef>& clients);

/// sigmoid(w.x + b) per row.
std::vector<double> PredictLinear(const Matrix& x, const std::vector<double>& w, bool fit_intercept);

}  // namespace fedflow::ml
