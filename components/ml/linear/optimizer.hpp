#pragma once
// Gradient steps and penalties of FATE 1.11's linear models (federatedml/optim/optimizer.py):
// the arbiter turns a gradient into a step (sgd, rmsprop, adam, adagrad, nesterov_momentum_sgd,
// with lr / (1 + decay t) or lr / sqrt(1 + decay t)); each party adds its L2 term to its gradient
// before it is encrypted, and applies the step to its own weights (L1: soft thresholding).
// Weight vectors end with the intercept when fit_intercept.

#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::ml {

struct OptimizerParams {
  std::string optimizer = "rmsprop";
  std::string penalty = "L2";  ///< L1 | L2 | none
  double alpha = 0.0001;
  double learning_rate = 0.01;
  double decay = 1;
  bool decay_sqrt = true;
};

class Optimizer final {
 public:
  /// InvalidArgument naming the optimizer or penalty when unknown.
  static StatusOr<Optimizer> Make(const OptimizerParams& p);

  /// The iteration (0-based) the next steps belong to.
  void SetIteration(int t) { t_ = t; }
  /// The step for a gradient (of every party's weights together, at the arbiter).
  std::vector<double> Step(const std::vector<double>& gradient);

  /// gradient + alpha * w for L2 (the intercept excluded); unchanged otherwise.
  std::vector<double> AddPenaltyToGradient(const std::vector<double>& gradient, const std::vector<double>& w,
                                           bool fit_intercept) const;
  /// The weights after a step: w - step, with L1's soft thresholding of the coefficients.
  std::vector<double> Apply(const std::vector<double>& w, const std::vector<double>& step, bool fit_intercept) const;
  /// The penalty's part of the loss (0.5 alpha |w|^2 for L2, alpha |w|_1 for L1), intercept excluded.
  double PenaltyLoss(const std::vector<double>& w, bool fit_intercept) const;

  const OptimizerParams& params() const { return p_; }

 private:
  explicit Optimizer(OptimizerParams p) : p_(std::move(p)) {}
  double LearningRate() const;

  OptimizerParams p_;
  int t_ = 0;
  std::vector<double> m_, v_;  // moments, sized on the first step
  double beta1_power_ = 1, beta2_power_ = 1;
};

}  // namespace fedflow::ml
