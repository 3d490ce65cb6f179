#include "components/ml/linear/linear_params.hpp"

#include <cmath>
#include <random>

namespace fedflow::ml {

namespace bj = boost::json;

std::vector<double> InitialWeights(const LinearTrainParams& p, std::size_t n, std::uint64_t seed) {
  std::vector<double> w(n, 0.0);
  std::mt19937_64 rng(seed);
  for (double& v : w) {
    if (p.init_method == "ones") {
      v = 1;
    } else if (p.init_method == "const") {
      v = p.init_const;
    } else if (p.init_method == "random_uniform") {
      v = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    } else if (p.init_method == "random_normal") {
      v = std::normal_distribution<double>(0.0, 1.0)(rng);
    }
  }
  return w;
}

double Sigmoid(double z) { return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z)); }

const std::set<std::string>& LinearParamKeys() {
  static const std::set<std::string> keys = {
      "penalty", "tol", "alpha", "optimizer", "batch_size", "learning_rate", "init_param", "max_iter", "early_stop",
      "encrypt_param", "decay", "decay_sqrt", "predict_param", "cv_param", "need_run", "multi_class",
      "callback_param", "validation_freqs", "early_stopping_rounds", "metrics", "use_first_metric_only",
      "batch_strategy", "masked_rate", "shuffle", "use_proximal", "mu"};
  return keys;
}

Status ReadLinearParams(const worker::Params& p, LinearTrainParams* out, double* threshold) {
  LinearTrainParams& lr = *out;
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.penalty, p.Choice("penalty", lr.optimizer.penalty, {"L1", "L2", "none", "None"}));
  if (lr.optimizer.penalty == "None") lr.optimizer.penalty = "none";
  FEDFLOW_ASSIGN_OR_RETURN(lr.tol, p.Double("tol", lr.tol));
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.alpha, p.Double("alpha", lr.optimizer.alpha));
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.optimizer, p.Choice("optimizer", lr.optimizer.optimizer,
                                                            {"sgd", "rmsprop", "adam", "adagrad", "nesterov_momentum_sgd"}));
  FEDFLOW_ASSIGN_OR_RETURN(lr.batch_size, p.Int("batch_size", lr.batch_size, -1, INT64_MAX));
  if (lr.batch_size != -1 && lr.batch_size < 10) return p.Error("batch_size", "must be -1 (all rows) or at least 10");
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.learning_rate, p.Double("learning_rate", lr.optimizer.learning_rate));
  if (!(lr.optimizer.learning_rate > 0)) return p.Error("learning_rate", "must be above 0");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t max_iter, p.Int("max_iter", lr.max_iter, 1, 100000));
  lr.max_iter = static_cast<int>(max_iter);
  FEDFLOW_ASSIGN_OR_RETURN(lr.early_stop, p.Choice("early_stop", lr.early_stop, {"diff", "abs", "weight_diff"}));
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.decay, p.Double("decay", lr.optimizer.decay));
  FEDFLOW_ASSIGN_OR_RETURN(lr.optimizer.decay_sqrt, p.Bool("decay_sqrt", lr.optimizer.decay_sqrt));
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params init, p.Object("init_param"));
  FEDFLOW_RETURN_IF_ERROR(init.CheckKnown({"init_method", "init_const", "fit_intercept", "random_seed"}));
  FEDFLOW_ASSIGN_OR_RETURN(lr.init_method, init.Choice("init_method", lr.init_method,
                                                       {"zeros", "ones", "const", "random_uniform", "random_normal"}));
  FEDFLOW_ASSIGN_OR_RETURN(lr.init_const, init.Double("init_const", lr.init_const));
  FEDFLOW_ASSIGN_OR_RETURN(lr.fit_intercept, init.Bool("fit_intercept", lr.fit_intercept));
  if (const bj::value* v = init.Raw("random_seed"); v && !v->is_null()) {
    FEDFLOW_ASSIGN_OR_RETURN(std::int64_t seed, init.Int("random_seed", 0, 0, INT64_MAX));
    lr.random_seed = static_cast<std::uint64_t>(seed);
  }
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params predict, p.Object("predict_param"));
  FEDFLOW_ASSIGN_OR_RETURN(*threshold, predict.Double("threshold", *threshold));
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params cv, p.Object("cv_param"));
  FEDFLOW_ASSIGN_OR_RETURN(bool need_cv, cv.Bool("need_cv", false));
  if (need_cv) return cv.Error("need_cv", "true is not supported yet: set it to false");
  FEDFLOW_ASSIGN_OR_RETURN(std::string multi, p.String("multi_class", "ovr"));
  if (multi != "ovr") return p.Error("multi_class", "must be ovr");
  return Status::OK();
}

}  // namespace fedflow::ml
