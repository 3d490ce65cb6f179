#pragma once
// Evaluation metrics with the definitions FATE 1.x uses (its evaluation module follows
// scikit-learn's): computed exactly over every distinct score, no sampling.

#include <cstdint>
#include <string>
#include <vector>

namespace fedflow::ml {

struct RocPoint {
  double threshold = 0;  ///< scores >= threshold count as positive
  double fpr = 0;
  double tpr = 0;
  std::int64_t tp = 0, fp = 0;
};

struct BinaryMetrics {
  double auc = 0;
  double ks = 0;
  double ks_threshold = 0;
  std::vector<RocPoint> roc;  ///< from the highest threshold down; starts at (0, 0)
  // At `threshold` (scores >= threshold are positive):
  double threshold = 0.5;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  std::int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  // Deciles of the population ranked by score (0.1 .. 1.0):
  std::vector<double> quantiles, lift, gain;
};

/// `labels` 1 (positive) / 0; `scores` the predicted probability of positive. Empty or
/// single-class labels give auc and ks 0 (undefined; the caller reports it).
BinaryMetrics ComputeBinary(const std::vector<int>& labels, const std::vector<double>& scores, double threshold = 0.5);

struct RegressionMetrics {
  double mse = 0, rmse = 0, mae = 0, r2 = 0, explained_variance = 0, median_absolute_error = 0;
};
RegressionMetrics ComputeRegression(const std::vector<double>& labels, const std::vector<double>& predictions);

struct MultiMetrics {
  std::vector<std::string> classes;  ///< sorted
  std::vector<double> precision, recall;  ///< per class (0 when a class is never predicted / present)
  double accuracy = 0, macro_precision = 0, macro_recall = 0;
};
MultiMetrics ComputeMulti(const std::vector<std::string>& labels, const std::vector<std::string>& predictions);

/// Rounded to 6 decimal places, as FATE writes metric values.
double Round6(double v);

}  // namespace fedflow::ml
