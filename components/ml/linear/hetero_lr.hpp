#pragma once
// Hetero (vertically split) logistic regression between a guest (labels and some features),
// hosts (other features of the same ids) and an arbiter (the Paillier key), FATE 1.11's protocol:
//  1. the arbiter makes the key pair and sends the public key to everyone;
//  2. the guest fixes the sample order and the batches and tells the hosts (ids) and the arbiter
//     (batch sizes);
//  3. per batch: each host sends [[0.25 w_h.x]] per sample; the guest forms
//     [[d]] = [[0.25 (w_g.x + b) - 0.5 y]] + the hosts' parts (y in {-1, 1}) and sends it to the
//     hosts; each party sends [[X^T d + N alpha w]] (its L2 term) to the arbiter, which decrypts,
//     divides by the batch size N, applies the optimizer to all gradients at once and returns each
//     party its step; each party applies its step (L1: soft thresholding);
//  4. the loss (one host): the host sends [[sum (w_h.x)^2]] and [[its penalty]]; the guest adds the
//     Taylor expansion's terms log 2 - 0.5 mean(y wx) + 0.125 mean(wx^2) under encryption; the
//     arbiter decrypts, averages over the batches and decides convergence (diff, abs, weight_diff);
//  5. prediction: the hosts send w_h.x per sample in the clear, the guest adds its part and applies
//     the sigmoid.
// What each party sees: the guest sees only encrypted host values during training, and the hosts'
// w_h.x per sample at prediction (as in FATE); a host sees only encrypted values; the arbiter sees
// every party's batch gradient and the loss, never data, labels or weights.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/ml/common/channel.hpp"
#include "components/ml/linear/cipher_vector.hpp"
#include "components/ml/linear/linear_params.hpp"
#include "components/ml/linear/optimizer.hpp"

namespace fedflow::ml {

/// random_seed seeds the initial weights and the batch shuffle.
struct HeteroLrParams : LinearTrainParams {
  bool shuffle = true;
  int key_length = 1024;
  int precision = 23;
  bool encrypt = true;  ///< false only in tests: the same protocol on plain numbers
  int threads = 2;
};

/// Training data of one party, in its own row order.
struct PartyData {
  std::vector<std::string> ids;
  Matrix x;
  std::vector<double> y;  ///< the guest's labels, 0 or 1
};

struct HeteroLrModel {
  std::vector<double> weights;  ///< this party's coefficients (+ the intercept last at the guest when fit)
  bool fit_intercept = false;
  int iterations = 0;
  bool converged = false;
  std::vector<double> loss;    ///< per iteration (the arbiter learns it; the others get it from it)
  std::vector<double> scores;  ///< at the guest: the training rows' probabilities, in its row order
};

/// Checks the parameters (the error names the parameter).
Status CheckHeteroLrParams(const HeteroLrParams& p);

StatusOr<HeteroLrModel> TrainHeteroLrGuest(Channel& c, const HeteroLrParams& p, const PartyData& data,
                                           const std::vector<PartyRef>& hosts, const PartyRef& arbiter);
StatusOr<HeteroLrModel> TrainHeteroLrHost(Channel& c, const HeteroLrParams& p, const PartyData& data,
                                          const PartyRef& guest, const PartyRef& arbiter);
StatusOr<HeteroLrModel> TrainHeteroLrArbiter(Channel& c, const HeteroLrParams& p, const PartyRef& guest,
                                             const std::vector<PartyRef>& hosts);

/// Prediction with trained weights: the guest's probabilities per row (its order); the hosts send
/// w_h.x for the guest's ids. `tag` keeps the messages of one prediction apart.
StatusOr<std::vector<double>> PredictHeteroLrGuest(Channel& c, const std::string& tag, const std::vector<double>& weights,
                                                   bool fit_intercept, const PartyData& data,
                                                   const std::vector<PartyRef>& hosts);
Status PredictHeteroLrHost(Channel& c, const std::string& tag, const std::vector<double>& weights, const PartyData& data,
                           const PartyRef& guest);

}  // namespace fedflow::ml
