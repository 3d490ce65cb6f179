#include "components/ml/evaluation/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace fedflow::ml {

double Round6(double v) { return std::round(v * 1e6) / 1e6; }

BinaryMetrics ComputeBinary(const std::vector<int>& labels, const std::vector<double>& scores, double threshold) {
  BinaryMetrics m;
  m.threshold = threshold;
  const std::size_t n = std::min(labels.size(), scores.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::int64_t positives = 0;
  for (std::size_t i = 0; i < n; ++i) positives += labels[i] == 1 ? 1 : 0;
  const std::int64_t negatives = static_cast<std::int64_t>(n) - positives;

  // ROC over distinct thresholds: ties move together (a diagonal step, as the trapezoid counts them).
  m.roc.push_back(RocPoint{n ? scores[order[0]] + 1 : 1, 0, 0, 0, 0});
  std::int64_t tp = 0, fp = 0;
  for (std::size_t k = 0; k < n;) {
    const double s = scores[order[k]];
    while (k < n && scores[order[k]] == s) {
      (labels[order[k]] == 1 ? tp : fp) += 1;
      ++k;
    }
    RocPoint p;
    p.threshold = s;
    p.tp = tp;
    p.fp = fp;
    p.tpr = positives ? static_cast<double>(tp) / static_cast<double>(positives) : 0;
    p.fpr = negatives ? static_cast<double>(fp) / static_cast<double>(negatives) : 0;
    m.roc.push_back(p);
  }
  if (positives > 0 && negatives > 0) {
    for (std::size_t i = 1; i < m.roc.size(); ++i) {
      m.auc += (m.roc[i].fpr - m.roc[i - 1].fpr) * (m.roc[i].tpr + m.roc[i - 1].tpr) / 2;
      const double gap = m.roc[i].tpr - m.roc[i].fpr;
      if (gap > m.ks) {
        m.ks = gap;
        m.ks_threshold = m.roc[i].threshold;
      }
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    const bool predicted = scores[i] >= threshold;
    const bool actual = labels[i] == 1;
    if (predicted && actual) ++m.tp;
    if (predicted && !actual) ++m.fp;
    if (!predicted && !actual) ++m.tn;
    if (!predicted && actual) ++m.fn;
  }
  m.accuracy = n ? static_cast<double>(m.tp + m.tn) / static_cast<double>(n) : 0;
  m.precision = m.tp + m.fp ? static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fp) : 0;
  m.recall = m.tp + m.fn ? static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fn) : 0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;

  // Lift and gain of the top q of the population by score.
  for (int d = 1; d <= 10; ++d) {
    const double q = d / 10.0;
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n) - 1e-9));
    std::int64_t hits = 0;
    for (std::size_t i = 0; i < k; ++i) hits += labels[order[i]] == 1 ? 1 : 0;
    const double base = n ? static_cast<double>(positives) / static_cast<double>(n) : 0;
    m.quantiles.push_back(q);
    m.lift.push_back(k && base > 0 ? (static_cast<double>(hits) / static_cast<double>(k)) / base : 0);
    m.gain.push_back(positives ? static_cast<double>(hits) / static_cast<double>(positives) : 0);
  }
  return m;
}

RegressionMetrics ComputeRegression(const std::vector<double>& y, const std::vector<double>& p) {
  RegressionMetrics m;
  const std::size_t n = std::min(y.size(), p.size());
  if (n == 0) return m;
  double mean_y = 0, mean_err = 0;
  std::vector<double> abs_err(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double e = y[i] - p[i];
    m.mse += e * e;
    m.mae += std::fabs(e);
    abs_err[i] = std::fabs(e);
    mean_y += y[i];
    mean_err += e;
  }
  const double dn = static_cast<double>(n);
  m.mse /= dn;
  m.mae /= dn;
  m.rmse = std::sqrt(m.mse);
  mean_y /= dn;
  mean_err /= dn;
  double ss_tot = 0, var_err = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ss_tot += (y[i] - mean_y) * (y[i] - mean_y);
    const double e = y[i] - p[i] - mean_err;
    var_err += e * e;
  }
  // scikit-learn: a constant target scores 1 when predicted exactly, else 0.
  m.r2 = ss_tot > 0 ? 1 - (m.mse * dn) / ss_tot : (m.mse == 0 ? 1 : 0);
  m.explained_variance = ss_tot > 0 ? 1 - var_err / ss_tot : (var_err == 0 ? 1 : 0);
  std::sort(abs_err.begin(), abs_err.end());
  m.median_absolute_error = n % 2 ? abs_err[n / 2] : (abs_err[n / 2 - 1] + abs_err[n / 2]) / 2;
  return m;
}

MultiMetrics ComputeMulti(const std::vector<std::string>& labels, const std::vector<std::string>& predictions) {
  MultiMetrics m;
  const std::size_t n = std::min(labels.size(), predictions.size());
  std::set<std::string> classes(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
  classes.insert(predictions.begin(), predictions.begin() + static_cast<std::ptrdiff_t>(n));
  m.classes.assign(classes.begin(), classes.end());
  std::map<std::string, std::int64_t> tp, predicted, actual;
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ++predicted[predictions[i]];
    ++actual[labels[i]];
    if (labels[i] == predictions[i]) {
      ++tp[labels[i]];
      ++correct;
    }
  }
  m.accuracy = n ? static_cast<double>(correct) / static_cast<double>(n) : 0;
  for (const auto& c : m.classes) {
    m.precision.push_back(predicted[c] ? static_cast<double>(tp[c]) / static_cast<double>(predicted[c]) : 0);
    m.recall.push_back(actual[c] ? static_cast<double>(tp[c]) / static_cast<double>(actual[c]) : 0);
  }
  if (!m.classes.empty()) {
    m.macro_precision = std::accumulate(m.precision.begin(), m.precision.end(), 0.0) / static_cast<double>(m.classes.size());
    m.macro_recall = std::accumulate(m.recall.begin(), m.recall.end(), 0.0) / static_cast<double>(m.classes.size());
  }
  return m;
}

}  // namespace fedflow::ml
