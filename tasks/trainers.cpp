// SPDX-License-Identifier: MIT
#include "trainers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace gliasim::tasks {

namespace {

using Eigen::Index;

void require(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

bool all_finite(const MatrixRef& M) {
    return M.allFinite();
}

// ---------------------------------------------------------------- ridge

// One thin SVD of the centred training features; gives the ridge solution for any lambda.
struct CentredSvd {
    Eigen::RowVectorXd x_mean;
    Eigen::RowVectorXd y_mean;
    Eigen::MatrixXd V;   // d x r
    Eigen::VectorXd s;   // r, descending
    Eigen::MatrixXd UtY; // r x m, U^T (Y - y_mean)
    double cutoff = 0;   // singular values <= cutoff count as zero

    CentredSvd(const MatrixRef& X, const MatrixRef& Y) {
        x_mean = X.colwise().mean();
        y_mean = Y.colwise().mean();
        const Eigen::MatrixXd Xc = X.rowwise() - x_mean;
        Eigen::BDCSVD<Eigen::MatrixXd> svd(Xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
        V = svd.matrixV();
        s = svd.singularValues();
        UtY.noalias() = svd.matrixU().transpose() * (Y.rowwise() - y_mean);
        if (s.size() > 0) {
            cutoff = static_cast<double>(std::max(X.rows(), X.cols())) *
                     std::numeric_limits<double>::epsilon() * s(0);
        }
    }

    // The filter factors s_j / (s_j^2 + lambda).
    [[nodiscard]] Eigen::VectorXd filter(double lambda) const {
        Eigen::VectorXd f(s.size());
        for (Index j = 0; j < s.size(); ++j) {
            f(j) = s(j) > cutoff ? s(j) / (s(j) * s(j) + lambda) : 0.0;
        }
        return f;
    }

    [[nodiscard]] RidgeModel model(std::span<const double> lambdas) const {
        RidgeModel m;
        m.weights.resize(V.rows(), UtY.cols());
        for (Index j = 0; j < UtY.cols(); ++j) {
            const Eigen::VectorXd c =
                filter(lambdas[static_cast<std::size_t>(j)]).cwiseProduct(UtY.col(j));
            m.weights.col(j).noalias() = V * c;
        }
        m.bias = y_mean - x_mean * m.weights;
        return m;
    }
};

void check_lambda(double lambda) {
    require(std::isfinite(lambda) && lambda >= 0, "ridge: lambda must be finite and >= 0");
}

void check_xy(const MatrixRef& X, const MatrixRef& Y) {
    require(X.rows() == Y.rows(), "ridge: X and Y differ in rows");
    require(X.rows() >= 1, "ridge: no rows");
    require(all_finite(X) && all_finite(Y), "ridge: X or Y has a non-finite value");
}

// ---------------------------------------------------------------- softmax

// The objective on standardised features with a ones row, transposed: XaT is (d+1) x n, so one
// sample's features and one sample's logits are contiguous. theta is the (d+1) x K matrix
// [W; b] stored column-major.
class SoftmaxProblem {
public:
    SoftmaxProblem(Eigen::MatrixXd XaT, std::vector<int> labels, int K, double l2)
        : XaT_(std::move(XaT)), labels_(std::move(labels)), K_(K), l2_(l2),
          n_(static_cast<double>(labels_.size())), P_(K, XaT_.cols()), D_(K, XaT_.cols()) {}

    [[nodiscard]] Index rows() const { return XaT_.rows(); } // d + 1
    [[nodiscard]] Index size() const { return XaT_.rows() * K_; }

    // Objective at theta; gradient into grad; leaves the probabilities in P_.
    double evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
        const Index dp1 = XaT_.rows();
        const Index d = dp1 - 1;
        Eigen::Map<const Eigen::MatrixXd> Th(theta.data(), dp1, K_);
        Eigen::Map<Eigen::MatrixXd> G(grad.data(), dp1, K_);
        P_.noalias() = Th.transpose() * XaT_;
        double loss = 0;
        for (Index i = 0; i < P_.cols(); ++i) {
            auto z = P_.col(i);
            const int y = labels_[static_cast<std::size_t>(i)];
            const double zmax = z.maxCoeff();
            const double zy = z(y);
            z = (z.array() - zmax).exp();
            const double sum = z.sum();
            loss += zmax + std::log(sum) - zy;
            z /= sum;
        }
        D_ = P_;
        for (Index i = 0; i < D_.cols(); ++i) D_(labels_[static_cast<std::size_t>(i)], i) -= 1.0;
        G.noalias() = XaT_ * D_.transpose();
        G /= n_;
        G.topRows(d) += l2_ * Th.topRows(d);
        return loss / n_ + 0.5 * l2_ * Th.topRows(d).squaredNorm();
    }

    // Hessian at the point of the last evaluate(), plus a tiny ridge that only fixes the null
    // direction of the biases (adding a constant to all of them).
    void hessian(Eigen::MatrixXd& H, Eigen::MatrixXd& tmp) const {
        const Index dp1 = XaT_.rows();
        const Index d = dp1 - 1;
        H.resize(size(), size());
        tmp.resize(dp1, XaT_.cols());
        Eigen::VectorXd w(XaT_.cols());
        for (int k = 0; k < K_; ++k) {
            for (int l = k; l < K_; ++l) {
                for (Index i = 0; i < w.size(); ++i) {
                    w(i) = P_(k, i) * ((k == l ? 1.0 : 0.0) - P_(l, i));
                }
                tmp.noalias() = XaT_ * w.asDiagonal();
                auto block = H.block(k * dp1, l * dp1, dp1, dp1);
                block.noalias() = tmp * XaT_.transpose();
                block /= n_;
                if (l != k) H.block(l * dp1, k * dp1, dp1, dp1) = block.transpose();
            }
        }
        const double eps = 1e-12 * std::max(1.0, H.diagonal().maxCoeff());
        for (int k = 0; k < K_; ++k) {
            for (Index a = 0; a < d; ++a) H(k * dp1 + a, k * dp1 + a) += l2_;
            H(k * dp1 + d, k * dp1 + d) += eps;
        }
    }

private:
    Eigen::MatrixXd XaT_;
    std::vector<int> labels_;
    int K_;
    double l2_;
    double n_;
    Eigen::MatrixXd P_; // K x n probabilities
    Eigen::MatrixXd D_; // K x n, probabilities minus one-hot
};

struct SolveResult {
    int iterations = 0;
    double loss = 0;
    double gradient_norm = 0;
    double initial_gradient_norm = 0;
    bool converged = false;
};

constexpr double armijo_c = 1e-4;

// Accepts f_new against f + c t g.d, with room for rounding in f itself (near the optimum the
// predicted decrease falls below the rounding error of the loss).
bool armijo_ok(double f_new, double f, double t, double slope) {
    const double slack = 16 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(f));
    return std::isfinite(f_new) && f_new <= f + armijo_c * t * slope + slack;
}

// Backtracking line search along `dir` from step length t: halves t until the Armijo condition
// holds, leaving the accepted point in trial, g_new and f_new; false once t underflows.
bool backtrack(SoftmaxProblem& prob, const Eigen::VectorXd& theta, const Eigen::VectorXd& dir,
               double f, double slope, double t, Eigen::VectorXd& trial, Eigen::VectorXd& g_new,
               double& f_new) {
    for (; t > 1e-20; t *= 0.5) {
        trial = theta + t * dir;
        f_new = prob.evaluate(trial, g_new);
        if (armijo_ok(f_new, f, t, slope)) return true;
    }
    return false;
}

SolveResult solve_newton(SoftmaxProblem& prob, Eigen::VectorXd& theta, int max_iterations,
                         double tol) {
    SolveResult r;
    const Index P = prob.size();
    Eigen::VectorXd g(P), g_new(P), step(P), trial(P);
    Eigen::MatrixXd H, tmp;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(P);
    double f = prob.evaluate(theta, g);
    r.initial_gradient_norm = g.norm();
    const double threshold = tol * r.initial_gradient_norm;
    for (;;) {
        r.gradient_norm = g.norm();
        r.loss = f;
        if (r.gradient_norm <= threshold) {
            r.converged = true;
            break;
        }
        if (r.iterations >= max_iterations) break;
        prob.hessian(H, tmp);
        ldlt.compute(H);
        bool ok = ldlt.info() == Eigen::Success;
        if (ok) {
            step = ldlt.solve(-g);
            ok = step.allFinite() && g.dot(step) < 0;
        }
        if (!ok) step = -g;
        double f_new = 0;
        if (!backtrack(prob, theta, step, f, g.dot(step), 1.0, trial, g_new, f_new)) {
            prob.evaluate(theta, g); // restore the probabilities of the current point
            break;
        }
        theta.swap(trial);
        g.swap(g_new);
        f = f_new;
        ++r.iterations;
    }
    return r;
}

SolveResult solve_lbfgs(SoftmaxProblem& prob, Eigen::VectorXd& theta, int max_iterations,
                        double tol, int memory) {
    SolveResult r;
    const Index P = prob.size();
    const int m = std::max(1, memory);
    Eigen::MatrixXd S(P, m), Y(P, m);
    std::vector<double> rho(static_cast<std::size_t>(m)), alpha(static_cast<std::size_t>(m));
    int stored = 0, newest = -1;
    Eigen::VectorXd g(P), g_new(P), dir(P), trial(P);
    double f = prob.evaluate(theta, g);
    r.initial_gradient_norm = g.norm();
    const double threshold = tol * r.initial_gradient_norm;
    for (;;) {
        r.gradient_norm = g.norm();
        r.loss = f;
        if (r.gradient_norm <= threshold) {
            r.converged = true;
            break;
        }
        if (r.iterations >= max_iterations) break;
        // Two-loop recursion: dir = -H g.
        dir = g;
        for (int j = 0; j < stored; ++j) {
            const int i = (newest - j + m) % m;
            const auto ui = static_cast<std::size_t>(i);
            alpha[ui] = rho[ui] * S.col(i).dot(dir);
            dir -= alpha[ui] * Y.col(i);
        }
        double t = 1;
        if (stored > 0) {
            dir *= S.col(newest).dot(Y.col(newest)) / Y.col(newest).squaredNorm();
        } else {
            t = 1.0 / r.gradient_norm;
        }
        for (int j = stored - 1; j >= 0; --j) {
            const int i = (newest - j + m) % m;
            const auto ui = static_cast<std::size_t>(i);
            const double beta = rho[ui] * Y.col(i).dot(dir);
            dir += (alpha[ui] - beta) * S.col(i);
        }
        dir = -dir;
        double slope = g.dot(dir);
        if (!(slope < 0)) { // lost the descent property: restart from steepest descent
            stored = 0;
            dir = -g;
            slope = -g.squaredNorm();
            t = 1.0 / r.gradient_norm;
        }
        double f_new = 0;
        if (!backtrack(prob, theta, dir, f, slope, t, trial, g_new, f_new)) break;
        const int slot = (newest + 1) % m;
        S.col(slot) = trial - theta;
        Y.col(slot) = g_new - g;
        const double sy = S.col(slot).dot(Y.col(slot));
        if (sy > std::numeric_limits<double>::epsilon() * S.col(slot).norm() * Y.col(slot).norm() &&
            sy > 0) {
            rho[static_cast<std::size_t>(slot)] = 1.0 / sy;
            newest = slot;
            stored = std::min(stored + 1, m);
        }
        theta.swap(trial);
        g.swap(g_new);
        f = f_new;
        ++r.iterations;
    }
    return r;
}

} // namespace

// ---------------------------------------------------------------- public: ridge

std::vector<double> logspace(double first, double last, int count) {
    require(first > 0 && last > 0 && count >= 1, "logspace: needs first, last > 0 and count >= 1");
    std::vector<double> v(static_cast<std::size_t>(count));
    const double a = std::log10(first), b = std::log10(last);
    for (int i = 0; i < count; ++i) {
        v[static_cast<std::size_t>(i)] =
            count == 1 ? first : std::pow(10.0, a + (b - a) * i / (count - 1));
    }
    return v;
}

std::vector<double> default_ridge_lambdas() {
    return logspace(1e-6, 1e3, 37);
}

Eigen::MatrixXd RidgeModel::predict(const MatrixRef& X) const {
    require(X.cols() == weights.rows(), "ridge predict: wrong number of features");
    Eigen::MatrixXd out = X * weights;
    out.rowwise() += bias;
    return out;
}

RidgeModel fit_ridge_fixed(const MatrixRef& X, const MatrixRef& Y, double lambda) {
    check_lambda(lambda);
    const std::vector<double> lambdas(static_cast<std::size_t>(Y.cols()), lambda);
    return fit_ridge_fixed(X, Y, lambdas);
}

RidgeModel fit_ridge_fixed(const MatrixRef& X, const MatrixRef& Y,
                           std::span<const double> lambdas) {
    check_xy(X, Y);
    require(static_cast<Index>(lambdas.size()) == Y.cols(),
            "ridge: need one lambda per output column");
    for (double l : lambdas) check_lambda(l);
    return CentredSvd(X, Y).model(lambdas);
}

RidgeFit fit_ridge(const MatrixRef& X, const MatrixRef& Y, const RidgeOptions& options) {
    check_xy(X, Y);
    require(!options.lambdas.empty(), "ridge: empty lambda grid");
    for (double l : options.lambdas) check_lambda(l);
    const Index n = X.rows();

    // Split the rows.
    std::vector<Index> train, valid;
    if (!options.validation_rows.empty()) {
        std::vector<char> is_valid(static_cast<std::size_t>(n), 0);
        for (Index r : options.validation_rows) {
            require(r >= 0 && r < n, "ridge: validation row out of range");
            require(!is_valid[static_cast<std::size_t>(r)], "ridge: repeated validation row");
            is_valid[static_cast<std::size_t>(r)] = 1;
        }
        valid = options.validation_rows;
        for (Index r = 0; r < n; ++r) {
            if (!is_valid[static_cast<std::size_t>(r)]) train.push_back(r);
        }
    } else {
        require(options.validation_fraction > 0 && options.validation_fraction < 1,
                "ridge: validation_fraction must lie in (0, 1)");
        const auto nv = static_cast<Index>(std::llround(options.validation_fraction * n));
        for (Index r = 0; r < n; ++r) (r < n - nv ? train : valid).push_back(r);
    }
    require(!train.empty() && !valid.empty(),
            "ridge: needs at least one training and one validation row");

    const Eigen::MatrixXd Xt = X(train, Eigen::all), Yt = Y(train, Eigen::all);
    const Eigen::MatrixXd Xv = X(valid, Eigen::all), Yv = Y(valid, Eigen::all);
    const CentredSvd svd(Xt, Yt);
    const Eigen::MatrixXd A = (Xv.rowwise() - svd.x_mean) * svd.V; // nv x r
    const Eigen::MatrixXd R = Yv.rowwise() - svd.y_mean;           // nv x m

    RidgeFit fit;
    fit.lambdas = options.lambdas;
    fit.train_rows = static_cast<Index>(train.size());
    fit.validation_rows = static_cast<Index>(valid.size());
    const auto G = static_cast<Index>(options.lambdas.size());
    const Index m = Y.cols();
    fit.validation_mse_per_output.resize(G, m);
    fit.validation_mse.resize(static_cast<std::size_t>(G));
    Eigen::MatrixXd coef(svd.UtY.rows(), m), err(Xv.rows(), m);
    for (Index g = 0; g < G; ++g) {
        coef = svd.filter(options.lambdas[static_cast<std::size_t>(g)]).asDiagonal() * svd.UtY;
        err.noalias() = A * coef;
        err -= R;
        fit.validation_mse_per_output.row(g) =
            err.colwise().squaredNorm() / static_cast<double>(err.rows());
        fit.validation_mse[static_cast<std::size_t>(g)] =
            m > 0 ? fit.validation_mse_per_output.row(g).mean() : 0.0;
    }
    // Lowest validation error; ties go to the larger lambda (the smoother model).
    auto best_of = [&](auto error_of) {
        Index best = 0;
        for (Index g = 1; g < G; ++g) {
            const double e = error_of(g), eb = error_of(best);
            const double lg = options.lambdas[static_cast<std::size_t>(g)];
            const double lb = options.lambdas[static_cast<std::size_t>(best)];
            if (e < eb || (e == eb && lg > lb)) best = g;
        }
        return options.lambdas[static_cast<std::size_t>(best)];
    };
    fit.lambda = best_of([&](Index g) { return fit.validation_mse[static_cast<std::size_t>(g)]; });
    fit.output_lambdas.assign(static_cast<std::size_t>(m), fit.lambda);
    if (options.per_output) {
        for (Index j = 0; j < m; ++j) {
            fit.output_lambdas[static_cast<std::size_t>(j)] =
                best_of([&](Index g) { return fit.validation_mse_per_output(g, j); });
        }
    }
    fit.model =
        options.refit ? CentredSvd(X, Y).model(fit.output_lambdas) : svd.model(fit.output_lambdas);
    return fit;
}

// ---------------------------------------------------------------- public: softmax

Eigen::MatrixXd softmax_rows(const MatrixRef& logits) {
    Eigen::MatrixXd P(logits.rows(), logits.cols());
    for (Index i = 0; i < logits.rows(); ++i) {
        const double zmax = logits.row(i).maxCoeff();
        if (!std::isfinite(zmax)) { // all -infinity (or a +infinity / NaN entry)
            P.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        P.row(i) = (logits.row(i).array() - zmax).exp();
        P.row(i) /= P.row(i).sum();
    }
    return P;
}

Eigen::MatrixXd SoftmaxModel::raw_weights() const {
    return (weights.array().colwise() / scale.transpose().array()).matrix();
}

Eigen::RowVectorXd SoftmaxModel::raw_bias() const {
    const Eigen::MatrixXd Wr = raw_weights();
    Eigen::RowVectorXd b = bias;
    for (Index k = 0; k < b.size(); ++k) {
        if (std::isfinite(b(k))) b(k) -= mean.dot(Wr.col(k));
    }
    return b;
}

Eigen::MatrixXd SoftmaxModel::logits(const MatrixRef& X) const {
    require(X.cols() == weights.rows(), "softmax: wrong number of features");
    Eigen::MatrixXd Z = X * raw_weights();
    Z.rowwise() += raw_bias();
    return Z;
}

Eigen::MatrixXd SoftmaxModel::predict_proba(const MatrixRef& X) const {
    return softmax_rows(logits(X));
}

std::vector<int> SoftmaxModel::predict(const MatrixRef& X) const {
    const Eigen::MatrixXd Z = logits(X);
    std::vector<int> out(static_cast<std::size_t>(Z.rows()));
    for (Index i = 0; i < Z.rows(); ++i) {
        Index k = 0;
        Z.row(i).maxCoeff(&k);
        out[static_cast<std::size_t>(i)] = static_cast<int>(k);
    }
    return out;
}

SoftmaxModel fit_softmax(const MatrixRef& X, std::span<const int> labels, int num_classes,
                         const SoftmaxOptions& options) {
    const Index n = X.rows(), d = X.cols();
    require(static_cast<Index>(labels.size()) == n, "softmax: labels and rows differ in number");
    require(n >= 1, "softmax: no rows");
    require(X.allFinite(), "softmax: X has a non-finite value");
    require(std::isfinite(options.l2) && options.l2 >= 0, "softmax: l2 must be >= 0");
    require(options.max_iterations >= 0, "softmax: max_iterations must be >= 0");
    require(options.gradient_tolerance >= 0, "softmax: gradient_tolerance must be >= 0");
    const int max_label = *std::max_element(labels.begin(), labels.end());
    const int min_label = *std::min_element(labels.begin(), labels.end());
    require(min_label >= 0, "softmax: negative label");
    const int K = num_classes > 0 ? num_classes : max_label + 1;
    require(max_label < K, "softmax: label >= num_classes");

    // Classes present in the labels, compacted.
    std::vector<int> compact(static_cast<std::size_t>(K), -1);
    std::vector<int> present;
    for (int y : labels) {
        if (compact[static_cast<std::size_t>(y)] < 0) {
            compact[static_cast<std::size_t>(y)] = 0;
        }
    }
    for (int k = 0; k < K; ++k) {
        if (compact[static_cast<std::size_t>(k)] >= 0) {
            compact[static_cast<std::size_t>(k)] = static_cast<int>(present.size());
            present.push_back(k);
        }
    }
    const int Kc = static_cast<int>(present.size());
    std::vector<int> yc(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        yc[i] = compact[static_cast<std::size_t>(labels[i])];
    }

    SoftmaxModel model;
    model.num_classes = K;
    model.mean = Eigen::RowVectorXd::Zero(d);
    model.scale = Eigen::RowVectorXd::Ones(d);
    if (options.standardize) {
        model.mean = X.colwise().mean();
        for (Index j = 0; j < d; ++j) {
            const double sd = std::sqrt((X.col(j).array() - model.mean(j)).square().mean());
            const double floor = 1e-12 * std::max(1.0, std::abs(model.mean(j)));
            model.scale(j) = sd > floor ? sd : 1.0;
        }
    }
    Eigen::MatrixXd XaT(d + 1, n);
    XaT.topRows(d) =
        ((X.rowwise() - model.mean).array().rowwise() / model.scale.array()).matrix().transpose();
    XaT.row(d).setOnes();

    SoftmaxProblem prob(std::move(XaT), std::move(yc), Kc, options.l2);
    Eigen::VectorXd theta = Eigen::VectorXd::Zero(prob.size());
    const bool newton =
        options.solver == SoftmaxSolver::newton || (options.solver == SoftmaxSolver::automatic &&
                                                    prob.size() <= options.newton_max_parameters);
    const SolveResult r =
        newton ? solve_newton(prob, theta, options.max_iterations, options.gradient_tolerance)
               : solve_lbfgs(prob, theta, options.max_iterations, options.gradient_tolerance,
                             options.lbfgs_memory);
    model.solver = newton ? SoftmaxSolver::newton : SoftmaxSolver::lbfgs;
    model.iterations = r.iterations;
    model.loss = r.loss;
    model.gradient_norm = r.gradient_norm;
    model.initial_gradient_norm = r.initial_gradient_norm;
    model.converged = r.converged;

    Eigen::Map<const Eigen::MatrixXd> Th(theta.data(), d + 1, Kc);
    const double bias_mean = Kc > 0 ? Th.row(d).mean() : 0.0;
    model.weights = Eigen::MatrixXd::Zero(d, K);
    model.bias = Eigen::RowVectorXd::Constant(K, -std::numeric_limits<double>::infinity());
    for (int c = 0; c < Kc; ++c) {
        const auto k = present[static_cast<std::size_t>(c)];
        model.weights.col(k) = Th.col(c).head(d);
        model.bias(k) = Th(d, c) - bias_mean;
    }
    return model;
}

} // namespace gliasim::tasks
