#include "components/ml/linear/homo_lr.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "components/ml/linear/hetero_lr.hpp"
#include "components/ml/linear/secure_aggregation.hpp"

namespace fedflow::ml {

namespace {

using worker::DecodeDoubles;
using worker::EncodeDoubles;

double Linear(const Matrix& x, std::size_t row, const std::vector<double>& w, bool fit_intercept) {
  double acc = fit_intercept ? w.back() : 0.0;
  for (std::size_t c = 0; c < x.cols; ++c) acc += x.at(row, c) * w[c];
  return acc;
}

}  // namespace

std::vector<double> PredictLinear(const Matrix& x, const std::vector<double>& w, bool fit_intercept) {
  std::vector<double> out(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) out[r] = Sigmoid(Linear(x, r, w, fit_intercept));
  return out;
}

Status CheckHomoLrParams(const HomoLrParams& p) {
  HeteroLrParams shared;
  static_cast<LinearTrainParams&>(shared) = p;  // the shared checks; the rest stays at its valid defaults
  FEDFLOW_RETURN_IF_ERROR(CheckHeteroLrParams(shared));
  if (p.aggregate_iters < 1) return InvalidArgumentError("aggregate_iters must be at least 1");
  return Status::OK();
}

StatusOr<HomoLrModel> TrainHomoLrClient(Channel& c, const HomoLrParams& p, const Matrix& x, const std::vector<double>& y,
                                        const PartyRef& self, const std::vector<PartyRef>& clients, const PartyRef& arbiter,
                                        const std::string& context) {
  FEDFLOW_RETURN_IF_ERROR(CheckHomoLrParams(p));
  if (x.rows == 0 || y.size() != x.rows) return InvalidArgumentError("a client needs rows, each with a label");
  FEDFLOW_ASSIGN_OR_RETURN(Optimizer opt, Optimizer::Make(p.optimizer));
  FEDFLOW_ASSIGN_OR_RETURN(PairwiseMasks masks, PairwiseMasks::Agree(c, self, clients, context));
  const std::size_t dims = x.cols + (p.fit_intercept ? 1 : 0);
  std::vector<double> w = InitialWeights(p, dims, p.random_seed);
  std::vector<std::size_t> order(x.rows);
  for (std::size_t i = 0; i < x.rows; ++i) order[i] = i;
  const std::size_t batch = p.batch_size == -1 ? x.rows : std::min<std::size_t>(x.rows, static_cast<std::size_t>(p.batch_size));
  const int rounds = (p.max_iter + p.aggregate_iters - 1) / p.aggregate_iters;
  HomoLrModel model;
  model.fit_intercept = p.fit_intercept;
  int epoch = 0;
  for (int r = 0; r < rounds; ++r) {
    for (int e = 0; e < p.aggregate_iters && epoch < p.max_iter; ++e, ++epoch) {
      opt.SetIteration(epoch);
      for (std::size_t at = 0; at < x.rows; at += batch) {
        const std::size_t end = std::min(x.rows, at + batch);
        std::vector<double> g(dims, 0.0);
        for (std::size_t k = at; k < end; ++k) {
          const std::size_t row = order[k];
          const double residual = Sigmoid(Linear(x, row, w, p.fit_intercept)) - y[row];
          for (std::size_t col = 0; col < x.cols; ++col) g[col] += residual * x.at(row, col);
          if (p.fit_intercept) g.back() += residual;
        }
        for (double& v : g) v /= static_cast<double>(end - at);
        w = opt.Apply(w, opt.Step(opt.AddPenaltyToGradient(g, w, p.fit_intercept)), p.fit_intercept);
      }
    }
    double loss = 0;
    for (std::size_t row = 0; row < x.rows; ++row) {
      const double prob = std::clamp(Sigmoid(Linear(x, row, w, p.fit_intercept)), 1e-15, 1 - 1e-15);
      loss -= y[row] > 0.5 ? std::log(prob) : std::log(1 - prob);
    }
    loss = loss / static_cast<double>(x.rows) + opt.PenaltyLoss(w, p.fit_intercept);
    // n w, n, n loss: the arbiter divides the sums, so no client's count is revealed either.
    const double n = static_cast<double>(x.rows);
    std::vector<double> share(dims + 2);
    for (std::size_t i = 0; i < dims; ++i) share[i] = n * w[i];
    share[dims] = n;
    share[dims + 1] = n * loss;
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::uint64_t> masked, masks.Mask(share, static_cast<std::uint64_t>(r)));
    FEDFLOW_RETURN_IF_ERROR(c.Send("model." + std::to_string(r), EncodeWords(masked), arbiter));
    FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive("aggregate." + std::to_string(r), arbiter));
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> aggregate, DecodeDoubles(bytes));
    if (aggregate.size() != dims + 2) {
      return InvalidArgumentError("the arbiter's aggregate has " + std::to_string(aggregate.size()) + " values, not " +
                                  std::to_string(dims + 2));
    }
    w.assign(aggregate.begin(), aggregate.begin() + static_cast<std::ptrdiff_t>(dims));
    model.loss.push_back(aggregate[dims]);
    model.rounds = r + 1;
    if (aggregate[dims + 1] != 0) {
      model.converged = true;
      break;
    }
  }
  model.weights = w;
  return model;
}

StatusOr<HomoLrModel> TrainHomoLrArbiter(Channel& c, const HomoLrParams& p, const std::vector<PartyRef>& clients) {
  FEDFLOW_RETURN_IF_ERROR(CheckHomoLrParams(p));
  if (clients.size() < 2) {
    return FailedPreconditionError("secure aggregation needs at least two clients (guest and hosts): with one, "
                                   "the aggregate is that client's model");
  }
  const int rounds = (p.max_iter + p.aggregate_iters - 1) / p.aggregate_iters;
  HomoLrModel model;
  std::vector<double> previous;
  double previous_loss = NAN;
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::vector<std::uint64_t>> masked;
    for (const PartyRef& client : clients) {
      FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive("model." + std::to_string(r), client));
      FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::uint64_t> m, DecodeWords(bytes));
      masked.push_back(std::move(m));
    }
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> sum, SumOfMasked(masked));
    if (sum.size() < 3 || !(sum[sum.size() - 2] > 0)) {
      return InvalidArgumentError("the clients' aggregate has no rows: their masks do not cancel (different tasks?)");
    }
    const std::size_t dims = sum.size() - 2;
    const double n = sum[dims];
    std::vector<double> w(sum.begin(), sum.begin() + static_cast<std::ptrdiff_t>(dims));
    for (double& v : w) v /= n;
    const double loss = sum[dims + 1] / n;
    bool converged = false;
    if (p.early_stop == "weight_diff") {
      double diff = 0;
      for (std::size_t i = 0; i < w.size() && !previous.empty(); ++i) diff += (w[i] - previous[i]) * (w[i] - previous[i]);
      converged = !previous.empty() && std::sqrt(diff) < p.tol;
    } else if (p.early_stop == "abs") {
      converged = loss < p.tol;
    } else {
      converged = !std::isnan(previous_loss) && std::abs(previous_loss - loss) < p.tol;
    }
    previous = w;
    previous_loss = loss;
    model.loss.push_back(loss);
    model.rounds = r + 1;
    std::printf("homo_lr: round %d loss %.6f%s\n", r, loss, converged ? " (converged)" : "");
    std::fflush(stdout);
    std::vector<double> reply = w;
    reply.push_back(loss);
    reply.push_back(converged ? 1.0 : 0.0);
    for (const PartyRef& client : clients) {
      FEDFLOW_RETURN_IF_ERROR(c.Send("aggregate." + std::to_string(r), EncodeDoubles(reply), client));
    }
    model.weights = w;
    if (converged) {
      model.converged = true;
      break;
    }
  }
  return model;
}

}  // namespace fedflow::ml
