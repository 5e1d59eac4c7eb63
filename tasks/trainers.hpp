// SPDX-License-Identifier: MIT
#pragma once

// Readouts trained on reservoir state vectors, with no gradient into the reservoir.
//
// Data layout everywhere: one row per item (time step, sample), one column per feature. Labels are
// class indices in [0, K).
//
// Ridge regression (multi-output)
//   Minimises ||X W + 1 b - Y||^2 + lambda ||W||^2 (sum of squares over rows and outputs; the bias
//   b is not penalised). Not penalising b is the same as centring X and Y on their means, so the
//   solver takes one thin SVD of the centred X = U S V^T; then W(lambda) = V diag(s / (s^2 +
//   lambda)) U^T Y for any lambda at the cost of a small matrix product, and b = mean(Y) -
//   mean(X) W. Singular values below max(n, d) * eps * s_max count as zero, so lambda = 0 gives
//   the minimum-norm least-squares solution.
//   fit_ridge() picks lambda from a grid by the validation mean squared error (averaged over the
//   outputs, or per output with per_output = true). The validation rows are the last
//   validation_fraction of the rows (a contiguous block: reservoir states are autocorrelated, so a
//   random split would leak), or the rows listed in validation_rows. With refit = true (default)
//   the returned model is then refitted on all rows (train + validation) with the chosen lambda.
//   lambda is kept as it is for the refit: in the sum-of-squares form the Bayes-optimal lambda is
//   sigma_noise^2 / sigma_weight^2 and does not depend on the number of rows. The grid is absolute,
//   so features should be on a comparable scale (the default grid suits features of order 1).
//
// Multinomial logistic regression (softmax)
//   Minimises the mean cross-entropy (1/n) sum_i -log p(y_i | x_i) + (l2 / 2) ||W||_F^2, with
//   p(k | x) = softmax_k(z~ W + b), z~ the standardised features (x - mean) / scale (population
//   standard deviation over the training rows; a constant feature gets scale 1), W of d x K. The
//   bias is not penalised; the biases are kept centred (sum 0), which does not change p. Full
//   batch; Newton with an LDLT solve of the (d+1)K x (d+1)K Hessian when that is small, otherwise
//   L-BFGS; both with a backtracking (Armijo) line search. Stops when ||grad|| <=
//   gradient_tolerance * ||grad at W = 0, b = 0|| or after max_iterations. A class that never
//   occurs in the training labels gets bias -infinity (probability exactly 0): an unpenalised
//   bias would otherwise run off to -infinity and never converge.

#include <Eigen/Dense>
#include <optional>
#include <span>
#include <vector>

namespace gliasim::tasks {

using MatrixRef = Eigen::Ref<const Eigen::MatrixXd>;

// count values log-spaced from first to last (both included), first, last > 0.
std::vector<double> logspace(double first, double last, int count);

// The default ridge grid: 1e-6 .. 1e3, four values per decade (37 values).
std::vector<double> default_ridge_lambdas();

struct RidgeModel {
    Eigen::MatrixXd weights; // features x outputs
    Eigen::RowVectorXd bias; // 1 x outputs

    // rows x outputs: X W + 1 b.
    [[nodiscard]] Eigen::MatrixXd predict(const MatrixRef& X) const;
};

struct RidgeOptions {
    std::vector<double> lambdas = default_ridge_lambdas(); // grid, each >= 0
    double validation_fraction = 0.2; // the last fraction of rows, if validation_rows is empty
    std::vector<Eigen::Index> validation_rows; // explicit validation rows (distinct, in range)
    bool per_output = false;                   // choose lambda for each output column separately
    bool refit = true;                         // refit on all rows with the chosen lambda(s)
};

struct RidgeFit {
    RidgeModel model;
    double lambda = 0;                  // the grid value with the lowest mean validation MSE
    std::vector<double> output_lambdas; // the lambda used for each output (all == lambda unless
                                        // per_output)
    std::vector<double> lambdas;        // the grid, as given
    std::vector<double> validation_mse; // per grid value: the validation MSE averaged over outputs
    Eigen::MatrixXd validation_mse_per_output; // grid values x outputs
    Eigen::Index train_rows = 0;
    Eigen::Index validation_rows = 0;
};

// Ridge with a given lambda (>= 0) for all outputs. X: n x d, Y: n x m, n >= 1.
RidgeModel fit_ridge_fixed(const MatrixRef& X, const MatrixRef& Y, double lambda);
// Ridge with one lambda per output column (lambdas.size() == Y.cols()).
RidgeModel fit_ridge_fixed(const MatrixRef& X, const MatrixRef& Y, std::span<const double> lambdas);

// Ridge with lambda chosen on a validation split, see above. Needs >= 1 training and >= 1
// validation row.
RidgeFit fit_ridge(const MatrixRef& X, const MatrixRef& Y, const RidgeOptions& options = {});

enum class SoftmaxSolver { automatic, newton, lbfgs };

struct SoftmaxOptions {
    double l2 = 1e-4; // penalty (l2 / 2) ||W||^2 on the standardised-feature weights, >= 0
    int max_iterations = 1000;
    double gradient_tolerance = 1e-6; // relative to the gradient norm at zero weights
    bool standardize = true;
    SoftmaxSolver solver = SoftmaxSolver::automatic;
    Eigen::Index newton_max_parameters = 600; // automatic: Newton when (d + 1) K <= this
    int lbfgs_memory = 10;
};

struct SoftmaxModel {
    int num_classes = 0;
    Eigen::RowVectorXd mean;  // 1 x d, subtracted from the features (0 without standardising)
    Eigen::RowVectorXd scale; // 1 x d, divides the centred features (1 without standardising)
    Eigen::MatrixXd weights;  // d x K, on the standardised features
    Eigen::RowVectorXd bias;  // 1 x K (-infinity for a class absent from the training labels)

    // Diagnostics of the fit.
    SoftmaxSolver solver = SoftmaxSolver::automatic; // the one used
    int iterations = 0;
    double loss = 0;          // final objective (mean cross-entropy + penalty)
    double gradient_norm = 0; // final ||grad|| (Euclidean, over weights and biases)
    double initial_gradient_norm = 0;
    bool converged = false;

    // Weights and bias acting on the raw features: logits = X raw_weights() + raw_bias().
    [[nodiscard]] Eigen::MatrixXd raw_weights() const;
    [[nodiscard]] Eigen::RowVectorXd raw_bias() const;
    [[nodiscard]] Eigen::MatrixXd logits(const MatrixRef& X) const;        // n x K
    [[nodiscard]] Eigen::MatrixXd predict_proba(const MatrixRef& X) const; // n x K, rows sum to 1
    [[nodiscard]] std::vector<int> predict(const MatrixRef& X) const;      // argmax per row
};

// labels.size() == X.rows(); num_classes 0: max(label) + 1.
SoftmaxModel fit_softmax(const MatrixRef& X, std::span<const int> labels, int num_classes = 0,
                         const SoftmaxOptions& options = {});

// Row-wise softmax of logits (log-sum-exp safe; -infinity entries give 0).
Eigen::MatrixXd softmax_rows(const MatrixRef& logits);

} // namespace gliasim::tasks
