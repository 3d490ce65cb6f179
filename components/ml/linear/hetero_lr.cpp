#include "components/ml/linear/hetero_lr.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <unordered_map>

namespace fedflow::ml {

namespace {

using worker::DecodeDoubles;
using worker::DecodeList;
using worker::EncodeDoubles;
using worker::EncodeList;

std::string Name(const std::string& what, int iteration, std::size_t batch) {
  return what + "." + std::to_string(iteration) + "." + std::to_string(batch);
}

/// x[row] . w over the first x.cols weights.
double RowDot(const Matrix& x, std::size_t row, const std::vector<double>& w) {
  double acc = 0;
  for (std::size_t c = 0; c < x.cols; ++c) acc += x.at(row, c) * w[c];
  return acc;
}

StatusOr<CipherVector> ReceiveVector(Channel& c, const VectorCipher& cipher, const std::string& name,
                                     const PartyRef& from, std::size_t expected) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive(name, from));
  FEDFLOW_ASSIGN_OR_RETURN(CipherVector v, cipher.Deserialize(bytes));
  if (v.size() != expected) {
    return InvalidArgumentError("'" + name + "' from " + from.Describe() + " has " + std::to_string(v.size()) +
                                " values, not " + std::to_string(expected));
  }
  return v;
}

StatusOr<std::vector<double>> ReceiveDoubles(Channel& c, const std::string& name, const PartyRef& from, std::size_t expected) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive(name, from));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> v, DecodeDoubles(bytes));
  if (v.size() != expected) {
    return InvalidArgumentError("'" + name + "' from " + from.Describe() + " has " + std::to_string(v.size()) +
                                " values, not " + std::to_string(expected));
  }
  return v;
}

/// The batch sizes the guest chose, as every party receives them.
StatusOr<std::vector<std::size_t>> ReceiveBatches(Channel& c, const PartyRef& guest) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive("batch_sizes", guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> sizes, DecodeDoubles(bytes));
  std::vector<std::size_t> out;
  for (double s : sizes) {
    if (!(s >= 1) || s != std::floor(s)) return InvalidArgumentError("the guest sent a batch size of " + std::to_string(s));
    out.push_back(static_cast<std::size_t>(s));
  }
  if (out.empty()) return InvalidArgumentError("the guest sent no batches");
  return out;
}

/// N * alpha * w for L2 (what the arbiter's division by N turns into alpha * w), zeros otherwise.
std::vector<double> PenaltyTerm(const Optimizer& opt, const std::vector<double>& w, bool fit_intercept, std::size_t n) {
  std::vector<double> term = opt.AddPenaltyToGradient(std::vector<double>(w.size(), 0.0), w, fit_intercept);
  for (double& t : term) t *= static_cast<double>(n);
  return term;
}

struct Status2 {
  bool converged = false;
  double loss = NAN;
};

StatusOr<Status2> ReceiveStatus(Channel& c, int iteration, const PartyRef& arbiter) {
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> v, ReceiveDoubles(c, "status." + std::to_string(iteration), arbiter, 2));
  return Status2{v[0] != 0, v[1]};
}

}  // namespace

Status CheckHeteroLrParams(const HeteroLrParams& p) {
  FEDFLOW_RETURN_IF_ERROR(Optimizer::Make(p.optimizer).status());
  if (p.max_iter < 1) return InvalidArgumentError("max_iter must be at least 1");
  if (p.batch_size != -1 && p.batch_size < 10) return InvalidArgumentError("batch_size must be -1 (all rows) or at least 10");
  if (p.early_stop != "diff" && p.early_stop != "abs" && p.early_stop != "weight_diff") {
    return InvalidArgumentError("early_stop '" + p.early_stop + "' is not one of diff, abs, weight_diff");
  }
  if (!(p.tol >= 0)) return InvalidArgumentError("tol must be 0 or more");
  static const char* kInits[] = {"zeros", "ones", "const", "random_uniform", "random_normal"};
  bool known = false;
  for (const char* i : kInits) known = known || p.init_method == i;
  if (!known) {
    return InvalidArgumentError("init_param.init_method '" + p.init_method +
                                "' is not one of zeros, ones, const, random_uniform, random_normal");
  }
  if (p.key_length < 1024 || p.key_length > 4096 || p.key_length % 256 != 0) {
    return InvalidArgumentError("encrypt_param.key_length must be a multiple of 256 from 1024 to 4096");
  }
  if (p.precision < 1 || p.precision > 52) return InvalidArgumentError("floating_point_precision must be 1 to 52");
  return Status::OK();
}

StatusOr<HeteroLrModel> TrainHeteroLrGuest(Channel& c, const HeteroLrParams& p, const PartyData& data,
                                           const std::vector<PartyRef>& hosts, const PartyRef& arbiter) {
  FEDFLOW_RETURN_IF_ERROR(CheckHeteroLrParams(p));
  if (hosts.empty()) return InvalidArgumentError("HeteroLR needs at least one host");
  const std::size_t n = data.ids.size();
  if (n == 0) return InvalidArgumentError("the guest's training data has no rows");
  if (data.y.size() != n) return InvalidArgumentError("the guest's training data needs a label per row");
  FEDFLOW_ASSIGN_OR_RETURN(Optimizer opt, Optimizer::Make(p.optimizer));
  FEDFLOW_ASSIGN_OR_RETURN(std::string key, c.Receive("paillier_key", arbiter));
  FEDFLOW_ASSIGN_OR_RETURN(VectorCipher cipher, VectorCipher::FromKeyMessage(key, p.precision, p.threads, !p.encrypt));

  // The sample order and the batches, fixed for the whole training.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (p.shuffle) std::shuffle(order.begin(), order.end(), std::mt19937_64(p.random_seed));
  std::vector<std::string> ordered_ids(n);
  for (std::size_t i = 0; i < n; ++i) ordered_ids[i] = data.ids[order[i]];
  const std::size_t batch = p.batch_size == -1 ? n : std::min<std::size_t>(n, static_cast<std::size_t>(p.batch_size));
  std::vector<double> sizes;
  for (std::size_t at = 0; at < n; at += batch) sizes.push_back(static_cast<double>(std::min(batch, n - at)));
  for (const PartyRef& h : hosts) {
    FEDFLOW_RETURN_IF_ERROR(c.Send("sample_ids", EncodeList(ordered_ids), h));
    FEDFLOW_RETURN_IF_ERROR(c.Send("batch_sizes", EncodeDoubles(sizes), h));
  }
  FEDFLOW_RETURN_IF_ERROR(c.Send("batch_sizes", EncodeDoubles(sizes), arbiter));

  HeteroLrModel model;
  model.fit_intercept = p.fit_intercept;
  std::vector<double> w = InitialWeights(p, data.x.cols + (p.fit_intercept ? 1 : 0), p.random_seed * 1000003);
  const bool with_loss = hosts.size() == 1;
  for (int it = 0; it < p.max_iter; ++it) {
    opt.SetIteration(it);
    std::size_t offset = 0;
    for (std::size_t b = 0; b < sizes.size(); ++b) {
      const std::size_t count = static_cast<std::size_t>(sizes[b]);
      std::vector<std::size_t> rows(order.begin() + static_cast<std::ptrdiff_t>(offset),
                                    order.begin() + static_cast<std::ptrdiff_t>(offset + count));
      offset += count;
      std::vector<double> wx(count), half_d(count), y_pm(count);
      const double intercept = p.fit_intercept ? w.back() : 0.0;
      for (std::size_t i = 0; i < count; ++i) {
        wx[i] = RowDot(data.x, rows[i], w) + intercept;
        y_pm[i] = data.y[rows[i]] > 0.5 ? 1.0 : -1.0;
        half_d[i] = 0.25 * wx[i] - 0.5 * y_pm[i];
      }
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector d, cipher.Encrypt(half_d));
      std::vector<CipherVector> forwards;
      for (const PartyRef& h : hosts) {
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector f, ReceiveVector(c, cipher, Name("forward", it, b), h, count));
        FEDFLOW_ASSIGN_OR_RETURN(d, cipher.Add(d, f));
        forwards.push_back(std::move(f));
      }
      const std::string d_bytes = cipher.Serialize(d);
      for (const PartyRef& h : hosts) FEDFLOW_RETURN_IF_ERROR(c.Send(Name("fore_gradient", it, b), d_bytes, h));
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector g, cipher.ColumnsTimes(data.x, rows, d));
      if (p.fit_intercept) {
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector bias, cipher.Raise(cipher.Sum(d), g.scale));
        g = cipher.Concat(g, bias);
      }
      if (p.optimizer.penalty == "L2") {
        FEDFLOW_ASSIGN_OR_RETURN(g, cipher.AddPlain(g, PenaltyTerm(opt, w, p.fit_intercept, count)));
      }
      FEDFLOW_RETURN_IF_ERROR(c.Send(Name("guest_gradient", it, b), cipher.Serialize(g), arbiter));

      if (with_loss) {
        // Taylor loss terms under encryption: sum y wx, sum wx^2 (with the cross term), penalties.
        const CipherVector& f = forwards.front();
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector parts, ReceiveVector(c, cipher, Name("loss_parts", it, b), hosts.front(), 2));
        std::vector<double> four_y(count), eight_wx(count);
        double y_wx = 0, wx_square = 0;
        for (std::size_t i = 0; i < count; ++i) {
          four_y[i] = 4 * y_pm[i];
          eight_wx[i] = 8 * wx[i];
          y_wx += y_pm[i] * wx[i];
          wx_square += wx[i] * wx[i];
        }
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector ywx, cipher.Dot(f, four_y));
        FEDFLOW_ASSIGN_OR_RETURN(ywx, cipher.AddPlain(ywx, {y_wx}));
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector square, cipher.Dot(f, eight_wx));
        FEDFLOW_ASSIGN_OR_RETURN(square, cipher.AddPlain(square, {wx_square}));
        CipherVector host_square, host_penalty;
        host_square.scale = host_penalty.scale = parts.scale;
        if (cipher.encrypted()) {
          host_square.cipher = {parts.cipher[0]};
          host_penalty.cipher = {parts.cipher[1]};
        } else {
          host_square.plain = {parts.plain[0]};
          host_penalty.plain = {parts.plain[1]};
        }
        FEDFLOW_ASSIGN_OR_RETURN(square, cipher.Add(square, host_square));
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector penalties, cipher.Raise(host_penalty, square.scale));
        FEDFLOW_ASSIGN_OR_RETURN(penalties, cipher.AddPlain(penalties, {opt.PenaltyLoss(w, p.fit_intercept)}));
        CipherVector loss = cipher.Concat(cipher.Concat(ywx, square), penalties);
        FEDFLOW_RETURN_IF_ERROR(c.Send(Name("loss", it, b), cipher.Serialize(loss), arbiter));
      }
      FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> step, ReceiveDoubles(c, Name("step", it, b), arbiter, w.size()));
      w = opt.Apply(w, step, p.fit_intercept);
    }
    FEDFLOW_ASSIGN_OR_RETURN(Status2 s, ReceiveStatus(c, it, arbiter));
    model.loss.push_back(s.loss);
    model.iterations = it + 1;
    std::printf("hetero_lr: iteration %d loss %.6f%s\n", it, s.loss, s.converged ? " (converged)" : "");
    std::fflush(stdout);
    if (s.converged) {
      model.converged = true;
      break;
    }
  }
  model.weights = w;
  FEDFLOW_ASSIGN_OR_RETURN(model.scores, PredictHeteroLrGuest(c, "train", w, p.fit_intercept, data, hosts));
  return model;
}

StatusOr<HeteroLrModel> TrainHeteroLrHost(Channel& c, const HeteroLrParams& p, const PartyData& data,
                                          const PartyRef& guest, const PartyRef& arbiter) {
  FEDFLOW_RETURN_IF_ERROR(CheckHeteroLrParams(p));
  FEDFLOW_ASSIGN_OR_RETURN(Optimizer opt, Optimizer::Make(p.optimizer));
  FEDFLOW_ASSIGN_OR_RETURN(std::string key, c.Receive("paillier_key", arbiter));
  FEDFLOW_ASSIGN_OR_RETURN(VectorCipher cipher, VectorCipher::FromKeyMessage(key, p.precision, p.threads, !p.encrypt));
  FEDFLOW_ASSIGN_OR_RETURN(std::string ids_bytes, c.Receive("sample_ids", guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, DecodeList(ids_bytes));
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < data.ids.size(); ++r) row_of.emplace(data.ids[r], r);
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = row_of.find(ids[i]);
    if (it == row_of.end()) {
      return FailedPreconditionError("the guest's sample '" + ids[i].substr(0, 64) +
                                     "' is not in this host's training data: intersect the parties' data first");
    }
    order[i] = it->second;
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::size_t> sizes, ReceiveBatches(c, guest));
  std::size_t total = 0;
  for (std::size_t s : sizes) total += s;
  if (total != ids.size()) return InvalidArgumentError("the guest's batches do not cover its samples");

  HeteroLrModel model;
  std::vector<double> w = InitialWeights(p, data.x.cols, p.random_seed * 1000003 + 1);
  for (int it = 0; it < p.max_iter; ++it) {
    opt.SetIteration(it);
    std::size_t offset = 0;
    for (std::size_t b = 0; b < sizes.size(); ++b) {
      const std::size_t count = sizes[b];
      std::vector<std::size_t> rows(order.begin() + static_cast<std::ptrdiff_t>(offset),
                                    order.begin() + static_cast<std::ptrdiff_t>(offset + count));
      offset += count;
      std::vector<double> forward(count);
      double square = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const double wx = RowDot(data.x, rows[i], w);
        forward[i] = 0.25 * wx;
        square += wx * wx;
      }
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector f, cipher.Encrypt(forward));
      FEDFLOW_RETURN_IF_ERROR(c.Send(Name("forward", it, b), cipher.Serialize(f), guest));
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector parts, cipher.Encrypt({square, opt.PenaltyLoss(w, false)}));
      FEDFLOW_RETURN_IF_ERROR(c.Send(Name("loss_parts", it, b), cipher.Serialize(parts), guest));
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector d, ReceiveVector(c, cipher, Name("fore_gradient", it, b), guest, count));
      FEDFLOW_ASSIGN_OR_RETURN(CipherVector g, cipher.ColumnsTimes(data.x, rows, d));
      if (p.optimizer.penalty == "L2") {
        FEDFLOW_ASSIGN_OR_RETURN(g, cipher.AddPlain(g, PenaltyTerm(opt, w, false, count)));
      }
      FEDFLOW_RETURN_IF_ERROR(c.Send(Name("host_gradient", it, b), cipher.Serialize(g), arbiter));
      FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> step, ReceiveDoubles(c, Name("step", it, b), arbiter, w.size()));
      w = opt.Apply(w, step, false);
    }
    FEDFLOW_ASSIGN_OR_RETURN(Status2 s, ReceiveStatus(c, it, arbiter));
    model.loss.push_back(s.loss);
    model.iterations = it + 1;
    if (s.converged) {
      model.converged = true;
      break;
    }
  }
  model.weights = w;
  FEDFLOW_RETURN_IF_ERROR(PredictHeteroLrHost(c, "train", w, data, guest));
  return model;
}

StatusOr<HeteroLrModel> TrainHeteroLrArbiter(Channel& c, const HeteroLrParams& p, const PartyRef& guest,
                                             const std::vector<PartyRef>& hosts) {
  FEDFLOW_RETURN_IF_ERROR(CheckHeteroLrParams(p));
  FEDFLOW_ASSIGN_OR_RETURN(Optimizer opt, Optimizer::Make(p.optimizer));
  FEDFLOW_ASSIGN_OR_RETURN(VectorDecryptor keys, VectorDecryptor::Make(p.encrypt, p.key_length, p.precision, p.threads));
  const VectorCipher& cipher = keys.cipher();
  const std::string key = keys.KeyMessage();
  FEDFLOW_RETURN_IF_ERROR(c.Send("paillier_key", key, guest));
  for (const PartyRef& h : hosts) FEDFLOW_RETURN_IF_ERROR(c.Send("paillier_key", key, h));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::size_t> sizes, ReceiveBatches(c, guest));
  const bool with_loss = hosts.size() == 1;
  if (!with_loss && p.early_stop != "weight_diff") {
    std::printf("hetero_lr: with %zu hosts the loss is not computed (as in FATE): early_stop %s cannot apply, "
                "training runs max_iter iterations\n", hosts.size(), p.early_stop.c_str());
  }
  HeteroLrModel model;
  double previous = NAN;
  for (int it = 0; it < p.max_iter; ++it) {
    opt.SetIteration(it);
    double loss_sum = 0, step_norm = 0;
    for (std::size_t b = 0; b < sizes.size(); ++b) {
      const double count = static_cast<double>(sizes[b]);
      std::vector<double> gradient;
      std::vector<std::size_t> widths;
      std::vector<PartyRef> order = hosts;
      order.push_back(guest);
      for (std::size_t k = 0; k < order.size(); ++k) {
        const bool is_guest = k + 1 == order.size();
        FEDFLOW_ASSIGN_OR_RETURN(std::string bytes,
                                 c.Receive(Name(is_guest ? "guest_gradient" : "host_gradient", it, b), order[k]));
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector g, cipher.Deserialize(bytes));
        FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> plain, keys.Decrypt(g));
        for (double& v : plain) v /= count;
        widths.push_back(plain.size());
        gradient.insert(gradient.end(), plain.begin(), plain.end());
      }
      const std::vector<double> step = opt.Step(gradient);
      step_norm = 0;
      for (double s : step) step_norm += s * s;
      step_norm = std::sqrt(step_norm);
      std::size_t at = 0;
      for (std::size_t k = 0; k < order.size(); ++k) {
        std::vector<double> part(step.begin() + static_cast<std::ptrdiff_t>(at),
                                 step.begin() + static_cast<std::ptrdiff_t>(at + widths[k]));
        at += widths[k];
        FEDFLOW_RETURN_IF_ERROR(c.Send(Name("step", it, b), EncodeDoubles(part), order[k]));
      }
      if (with_loss) {
        FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive(Name("loss", it, b), guest));
        FEDFLOW_ASSIGN_OR_RETURN(CipherVector l, cipher.Deserialize(bytes));
        if (l.size() != 3) return InvalidArgumentError("the guest's loss terms are " + std::to_string(l.size()) + " values, not 3");
        FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> t, keys.Decrypt(l));
        loss_sum += std::log(2.0) - 0.5 * t[0] / count + 0.125 * t[1] / count + t[2];
      }
    }
    const double loss = with_loss ? loss_sum / static_cast<double>(sizes.size()) : NAN;
    bool converged = false;
    if (p.early_stop == "weight_diff") {
      converged = step_norm < p.tol;
    } else if (with_loss && p.early_stop == "abs") {
      converged = loss < p.tol;
    } else if (with_loss) {
      converged = !std::isnan(previous) && std::abs(previous - loss) < p.tol;
    }
    previous = loss;
    model.loss.push_back(loss);
    model.iterations = it + 1;
    const std::string status = EncodeDoubles({converged ? 1.0 : 0.0, loss});
    FEDFLOW_RETURN_IF_ERROR(c.Send("status." + std::to_string(it), status, guest));
    for (const PartyRef& h : hosts) FEDFLOW_RETURN_IF_ERROR(c.Send("status." + std::to_string(it), status, h));
    if (converged) {
      model.converged = true;
      break;
    }
  }
  return model;
}

StatusOr<std::vector<double>> PredictHeteroLrGuest(Channel& c, const std::string& tag, const std::vector<double>& w,
                                                   bool fit_intercept, const PartyData& data,
                                                   const std::vector<PartyRef>& hosts) {
  const std::size_t n = data.ids.size();
  if (w.size() != data.x.cols + (fit_intercept ? 1 : 0)) {
    return InvalidArgumentError("the guest's model has " + std::to_string(w.size()) + " weights for " +
                                std::to_string(data.x.cols) + " features");
  }
  std::vector<double> z(n);
  for (std::size_t r = 0; r < n; ++r) z[r] = RowDot(data.x, r, w) + (fit_intercept ? w.back() : 0.0);
  for (const PartyRef& h : hosts) FEDFLOW_RETURN_IF_ERROR(c.Send("predict_ids." + tag, EncodeList(data.ids), h));
  for (const PartyRef& h : hosts) {
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> part, ReceiveDoubles(c, "predict_wx." + tag, h, n));
    for (std::size_t r = 0; r < n; ++r) z[r] += part[r];
  }
  for (double& v : z) v = Sigmoid(v);
  return z;
}

Status PredictHeteroLrHost(Channel& c, const std::string& tag, const std::vector<double>& w, const PartyData& data,
                           const PartyRef& guest) {
  if (w.size() != data.x.cols) {
    return InvalidArgumentError("the host's model has " + std::to_string(w.size()) + " weights for " +
                                std::to_string(data.x.cols) + " features");
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string bytes, c.Receive("predict_ids." + tag, guest));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, DecodeList(bytes));
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < data.ids.size(); ++r) row_of.emplace(data.ids[r], r);
  std::vector<double> wx(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = row_of.find(ids[i]);
    if (it == row_of.end()) {
      return FailedPreconditionError("the guest's sample '" + ids[i].substr(0, 64) +
                                     "' is not in this host's data: intersect the parties' data first");
    }
    wx[i] = RowDot(data.x, it->second, w);
  }
  return c.Send("predict_wx." + tag, EncodeDoubles(wx), guest);
}

}  // namespace fedflow::ml
