#include "components/ml/linear/optimizer.hpp"

#include <algorithm>
#include <cmath>

namespace fedflow::ml {

StatusOr<Optimizer> Optimizer::Make(const OptimizerParams& p) {
  static const char* kOptimizers[] = {"sgd", "rmsprop", "adam", "adagrad", "nesterov_momentum_sgd"};
  bool known = false;
  for (const char* o : kOptimizers) known = known || p.optimizer == o;
  if (!known) {
    return InvalidArgumentError("optimizer '" + p.optimizer +
                                "' is not one of sgd, rmsprop, adam, adagrad, nesterov_momentum_sgd");
  }
  if (p.penalty != "L1" && p.penalty != "L2" && p.penalty != "none") {
    return InvalidArgumentError("penalty '" + p.penalty + "' is not one of L1, L2, none");
  }
  if (!(p.learning_rate > 0) || !std::isfinite(p.learning_rate)) {
    return InvalidArgumentError("learning_rate must be a positive number");
  }
  if (!(p.alpha >= 0) || !std::isfinite(p.alpha)) return InvalidArgumentError("alpha must be 0 or more");
  if (!(p.decay >= 0) || !std::isfinite(p.decay)) return InvalidArgumentError("decay must be 0 or more");
  return Optimizer(p);
}

double Optimizer::LearningRate() const {
  const double t = static_cast<double>(t_);
  return p_.decay_sqrt ? p_.learning_rate / std::sqrt(1 + p_.decay * t) : p_.learning_rate / (1 + p_.decay * t);
}

std::vector<double> Optimizer::Step(const std::vector<double>& g) {
  const double lr = LearningRate();
  const std::size_t n = g.size();
  if (m_.size() != n) m_.assign(n, 0.0);
  if (v_.size() != n) v_.assign(n, 0.0);
  std::vector<double> step(n);
  const std::string& o = p_.optimizer;
  if (o == "sgd") {
    for (std::size_t i = 0; i < n; ++i) step[i] = lr * g[i];
  } else if (o == "rmsprop") {
    for (std::size_t i = 0; i < n; ++i) {
      m_[i] = 0.99 * m_[i] + 0.01 * g[i] * g[i];
      step[i] = lr * g[i] / std::sqrt(m_[i] + 1e-6);
    }
  } else if (o == "adagrad") {
    for (std::size_t i = 0; i < n; ++i) {
      m_[i] += g[i] * g[i];
      step[i] = lr * g[i] / (std::sqrt(m_[i]) + 1e-7);
    }
  } else if (o == "nesterov_momentum_sgd") {
    for (std::size_t i = 0; i < n; ++i) {
      const double v = 0.9 * m_[i] - lr * g[i];
      step[i] = 0.9 * m_[i] - 1.9 * v;
      m_[i] = v;
    }
  } else {  // adam
    beta1_power_ *= 0.9;
    beta2_power_ *= 0.999;
    for (std::size_t i = 0; i < n; ++i) {
      m_[i] = 0.9 * m_[i] + 0.1 * g[i];
      v_[i] = 0.999 * v_[i] + 0.001 * g[i] * g[i];
      const double m_hat = m_[i] / (1 - beta1_power_), v_hat = v_[i] / (1 - beta2_power_);
      step[i] = lr * m_hat / (std::sqrt(v_hat) + 1e-8);
    }
  }
  return step;
}

std::vector<double> Optimizer::AddPenaltyToGradient(const std::vector<double>& g, const std::vector<double>& w,
                                                    bool fit_intercept) const {
  std::vector<double> out = g;
  if (p_.penalty != "L2") return out;
  const std::size_t coefficients = fit_intercept ? w.size() - 1 : w.size();
  for (std::size_t i = 0; i < coefficients; ++i) out[i] += p_.alpha * w[i];
  return out;
}

std::vector<double> Optimizer::Apply(const std::vector<double>& w, const std::vector<double>& step,
                                     bool fit_intercept) const {
  std::vector<double> out(w.size());
  const std::size_t coefficients = fit_intercept ? w.size() - 1 : w.size();
  // FATE shrinks by alpha * lr / sqrt(t); t counts from 1 here (FATE's first iteration divides by 0).
  const double shrink = p_.alpha * p_.learning_rate / std::sqrt(static_cast<double>(t_ + 1));
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double moved = w[i] - step[i];
    if (p_.penalty == "L1" && i < coefficients) {
      out[i] = (moved > 0 ? 1.0 : moved < 0 ? -1.0 : 0.0) * std::max(0.0, std::abs(moved) - shrink);
    } else {
      out[i] = moved;
    }
  }
  return out;
}

double Optimizer::PenaltyLoss(const std::vector<double>& w, bool fit_intercept) const {
  const std::size_t coefficients = fit_intercept ? w.size() - 1 : w.size();
  double acc = 0;
  for (std::size_t i = 0; i < coefficients; ++i) acc += p_.penalty == "L1" ? std::abs(w[i]) : w[i] * w[i];
  if (p_.penalty == "L2") return 0.5 * p_.alpha * acc;
  if (p_.penalty == "L1") return p_.alpha * acc;
  return 0;
}

}  // namespace fedflow::ml
