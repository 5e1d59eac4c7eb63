// SPDX-License-Identifier: MIT
// Readout trainers (tasks/trainers.hpp): ridge against an exact linear map and against the
// closed form solved independently here; lambda selection on a Bayesian problem whose optimal
// lambda is known; softmax on separable data, against a binary logistic regression whose
// gradient is checked numerically here, and Newton against L-BFGS.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "tasks/trainers.hpp"

using namespace gliasim::tasks;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

MatrixXd gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng, double sd = 1.0) {
    std::normal_distribution<double> N(0.0, sd);
    MatrixXd M(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j) {
        for (Eigen::Index i = 0; i < rows; ++i) M(i, j) = N(rng);
    }
    return M;
}

double max_abs(const MatrixXd& M) {
    return M.cwiseAbs().maxCoeff();
}

// The ridge solution with an unpenalised bias, solved here directly on the augmented system
// ([X 1]^T [X 1] + diag(lambda, ..., lambda, 0)) theta = [X 1]^T y.
VectorXd ridge_closed_form(const MatrixXd& X, const VectorXd& y, double lambda) {
    const Eigen::Index n = X.rows(), d = X.cols();
    MatrixXd Xa(n, d + 1);
    Xa << X, VectorXd::Ones(n);
    MatrixXd M = Xa.transpose() * Xa;
    M.diagonal().head(d).array() += lambda;
    return M.colPivHouseholderQr().solve(Xa.transpose() * y);
}

double mse(const MatrixXd& A, const MatrixXd& B) {
    return (A - B).squaredNorm() / static_cast<double>(A.size());
}

} // namespace

TEST_CASE("ridge recovers an exact linear map with lambda -> 0", "[trainers]") {
    std::mt19937_64 rng(11);
    const MatrixXd X = gaussian(60, 6, rng, 2.0);
    const MatrixXd W = gaussian(6, 3, rng);
    const Eigen::RowVectorXd b = gaussian(1, 3, rng);
    MatrixXd Y = X * W;
    Y.rowwise() += b;
    for (double lambda : {0.0, 1e-12}) {
        const RidgeModel m = fit_ridge_fixed(X, Y, lambda);
        CHECK(max_abs(m.weights - W) < 1e-8);
        CHECK(max_abs(m.bias - b) < 1e-8);
        CHECK(max_abs(m.predict(X) - Y) < 1e-8);
    }
    RidgeOptions opt;
    opt.lambdas = {1e-12, 1e-3, 1.0};
    const RidgeFit fit = fit_ridge(X, Y, opt);
    CHECK(fit.lambda == 1e-12);
    CHECK(max_abs(fit.model.weights - W) < 1e-8);
    CHECK(max_abs(fit.model.bias - b) < 1e-8);
}

TEST_CASE("ridge with noise matches the closed form", "[trainers]") {
    std::mt19937_64 rng(12);
    const MatrixXd X = gaussian(40, 8, rng);
    MatrixXd Y = X * gaussian(8, 2, rng) + gaussian(40, 2, rng, 0.5);
    Y.array() += 3.0; // a bias to recover
    for (double lambda : {0.0, 0.7, 25.0}) {
        const RidgeModel m = fit_ridge_fixed(X, Y, lambda);
        for (Eigen::Index j = 0; j < 2; ++j) {
            const VectorXd theta = ridge_closed_form(X, Y.col(j), lambda);
            CHECK(max_abs(m.weights.col(j) - theta.head(8)) < 1e-10);
            CHECK(std::abs(m.bias(j) - theta(8)) < 1e-10);
        }
    }
    // One lambda per output.
    const std::vector<double> lambdas{0.3, 40.0};
    const RidgeModel m = fit_ridge_fixed(X, Y, lambdas);
    for (Eigen::Index j = 0; j < 2; ++j) {
        const VectorXd theta = ridge_closed_form(X, Y.col(j), lambdas[static_cast<std::size_t>(j)]);
        CHECK(max_abs(m.weights.col(j) - theta.head(8)) < 1e-10);
        CHECK(std::abs(m.bias(j) - theta(8)) < 1e-10);
    }
    // Wide problem (more features than rows).
    const MatrixXd Xw = gaussian(10, 30, rng);
    const VectorXd yw = gaussian(10, 1, rng);
    const RidgeModel mw = fit_ridge_fixed(Xw, yw, 2.0);
    const VectorXd tw = ridge_closed_form(Xw, yw, 2.0);
    CHECK(max_abs(mw.weights - tw.head(30)) < 1e-10);
    CHECK(std::abs(mw.bias(0) - tw(30)) < 1e-10);
}

TEST_CASE("ridge validation curve, split and refit", "[trainers]") {
    std::mt19937_64 rng(13);
    const MatrixXd X = gaussian(50, 5, rng);
    MatrixXd Y(50, 2);
    Y.col(0) = X * gaussian(5, 1, rng); // noise-free: wants the smallest lambda
    Y.col(1) = gaussian(50, 1, rng);    // pure noise: wants the largest lambda
    RidgeOptions opt;
    opt.lambdas = logspace(1e-6, 1e4, 11);
    opt.validation_rows = {1, 4, 9, 16, 25, 36, 49, 20, 30, 40, 44, 2};
    opt.per_output = true;
    opt.refit = false;
    const RidgeFit fit = fit_ridge(X, Y, opt);
    REQUIRE(fit.validation_mse.size() == 11);
    REQUIRE(fit.validation_mse_per_output.rows() == 11);
    CHECK(fit.train_rows == 38);
    CHECK(fit.validation_rows == 12);
    CHECK(fit.output_lambdas[0] == 1e-6);
    CHECK(fit.output_lambdas[1] == 1e4);

    // The curve, recomputed from separate fits on the training rows.
    std::vector<Eigen::Index> train;
    for (Eigen::Index r = 0; r < 50; ++r) {
        if (std::find(opt.validation_rows.begin(), opt.validation_rows.end(), r) ==
            opt.validation_rows.end()) {
            train.push_back(r);
        }
    }
    const MatrixXd Xt = X(train, Eigen::all), Yt = Y(train, Eigen::all);
    const MatrixXd Xv = X(opt.validation_rows, Eigen::all), Yv = Y(opt.validation_rows, Eigen::all);
    for (std::size_t g = 0; g < opt.lambdas.size(); ++g) {
        const MatrixXd pred = fit_ridge_fixed(Xt, Yt, opt.lambdas[g]).predict(Xv);
        CHECK(fit.validation_mse[g] == Approx(mse(pred, Yv)).epsilon(1e-9));
        for (Eigen::Index j = 0; j < 2; ++j) {
            CHECK(fit.validation_mse_per_output(static_cast<Eigen::Index>(g), j) ==
                  Approx((pred.col(j) - Yv.col(j)).squaredNorm() / 12).epsilon(1e-9).margin(1e-20));
        }
    }
    // Without refit: the training-row model with the chosen lambdas.
    const RidgeModel direct = fit_ridge_fixed(Xt, Yt, fit.output_lambdas);
    CHECK(max_abs(fit.model.weights - direct.weights) < 1e-10);
    // With refit: all rows.
    opt.refit = true;
    const RidgeFit refit = fit_ridge(X, Y, opt);
    const RidgeModel all = fit_ridge_fixed(X, Y, refit.output_lambdas);
    CHECK(max_abs(refit.model.weights - all.weights) < 1e-10);
    CHECK(max_abs(refit.model.bias - all.bias) < 1e-10);

    // Default split: the last 20 % of the rows.
    const RidgeFit tail = fit_ridge(X, Y);
    CHECK(tail.train_rows == 40);
    CHECK(tail.validation_rows == 10);
    CHECK(tail.lambdas.size() == 37);
    CHECK(tail.lambdas.front() == Approx(1e-6));
    CHECK(tail.lambdas.back() == Approx(1e3));

    CHECK_THROWS_AS(fit_ridge_fixed(X, Y, -1.0), std::invalid_argument);
    RidgeOptions bad;
    bad.validation_rows = {3, 3};
    CHECK_THROWS_AS(fit_ridge(X, Y, bad), std::invalid_argument);
}

TEST_CASE("ridge validation picks a near-optimal lambda", "[trainers]") {
    // Bayesian linear model: w ~ N(0, tau^2 I), noise N(0, sigma^2). The posterior mean, which
    // minimises the expected test error, is ridge with lambda = sigma^2 / tau^2 = 4, and there
    // are more features (150) than rows (120), so lambda matters a lot.
    std::mt19937_64 rng(14);
    const double sigma = 1.0, tau = 0.5;
    const Eigen::Index d = 150, n = 120, m = 20, n_test = 3000;
    const MatrixXd W = gaussian(d, m, rng, tau);
    const MatrixXd X = gaussian(n, d, rng);
    const MatrixXd Y = X * W + gaussian(n, m, rng, sigma);
    const MatrixXd Xtest = gaussian(n_test, d, rng);
    const MatrixXd Ytest = Xtest * W; // noise-free test targets: the estimation error

    RidgeOptions opt;
    opt.validation_fraction = 0.3;
    const RidgeFit fit = fit_ridge(X, Y, opt);
    INFO("chosen lambda " << fit.lambda);
    CHECK(fit.lambda > 4.0 / 4);
    CHECK(fit.lambda < 4.0 * 4);
    double best = std::numeric_limits<double>::infinity();
    double worst = 0;
    for (double lambda : fit.lambdas) {
        const double e = mse(fit_ridge_fixed(X, Y, lambda).predict(Xtest), Ytest);
        best = std::min(best, e);
        worst = std::max(worst, e);
    }
    const double chosen = mse(fit.model.predict(Xtest), Ytest);
    INFO("test MSE: chosen " << chosen << ", best " << best << ", worst " << worst);
    CHECK(chosen <= 1.05 * best);
    CHECK(worst > 2 * best); // the problem does discriminate between lambdas
}

TEST_CASE("softmax separates linearly separable classes", "[trainers]") {
    std::mt19937_64 rng(21);
    // Three well separated blobs in raw "spike count" units (large offset and scale).
    const Eigen::Index per = 40, K = 3;
    MatrixXd X(per * K, 2);
    std::vector<int> y;
    const double cx[3] = {0, 10, 0}, cy[3] = {0, 0, 10};
    std::normal_distribution<double> N(0, 1.5);
    for (int k = 0; k < K; ++k) {
        for (Eigen::Index i = 0; i < per; ++i) {
            X(k * per + i, 0) = 200 + 30 * (cx[k] + N(rng));
            X(k * per + i, 1) = 50 + 30 * (cy[k] + N(rng));
            y.push_back(k);
        }
    }
    for (SoftmaxSolver solver : {SoftmaxSolver::newton, SoftmaxSolver::lbfgs}) {
        SoftmaxOptions opt;
        opt.solver = solver;
        const SoftmaxModel m = fit_softmax(X, y, 0, opt);
        CHECK(m.num_classes == 3);
        CHECK(m.converged);
        CHECK(m.solver == solver);
        const std::vector<int> pred = m.predict(X);
        CHECK(std::equal(pred.begin(), pred.end(), y.begin()));
        const MatrixXd P = m.predict_proba(X);
        CHECK(max_abs(P.rowwise().sum() - VectorXd::Ones(P.rows())) < 1e-12);
        CHECK(P.minCoeff() >= 0);
        CHECK(m.mean(0) == Approx(X.col(0).mean()));
    }
}

TEST_CASE("two-class softmax is the L2 logistic regression", "[trainers]") {
    std::mt19937_64 rng(22);
    const Eigen::Index n = 200, d = 3;
    MatrixXd X = gaussian(n, d, rng);
    X.col(1) = 5 + 20 * X.col(1).array(); // raw scales differ
    std::vector<int> y(static_cast<std::size_t>(n));
    std::bernoulli_distribution noise(0.2);
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool pos = X(i, 0) + 0.05 * X(i, 1) - 0.5 * X(i, 2) > 0.2;
        y[static_cast<std::size_t>(i)] = (pos != noise(rng)) ? 1 : 0;
    }
    const double l2 = 0.05;
    SoftmaxOptions opt;
    opt.l2 = l2;
    opt.gradient_tolerance = 1e-12;
    const SoftmaxModel m = fit_softmax(X, y, 2, opt);
    REQUIRE(m.converged);

    // Standardise here, independently: population standard deviation.
    MatrixXd Z(n, d);
    for (Eigen::Index j = 0; j < d; ++j) {
        const double mu = X.col(j).mean();
        const double sd = std::sqrt((X.col(j).array() - mu).square().mean());
        Z.col(j) = (X.col(j).array() - mu) / sd;
    }
    // With two classes p(1 | x) = sigmoid(z.(w1 - w0) + b1 - b0); the symmetric penalty
    // (l2 / 2)(|w0|^2 + |w1|^2) is minimised at w0 = -w1, i.e. (l2 / 4)|w|^2 with w = w1 - w0.
    auto objective = [&](const VectorXd& w, double b) {
        double f = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double s = Z.row(i).dot(w) + b;
            const double t = y[static_cast<std::size_t>(i)] == 1 ? -s : s;
            f += std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); // log(1 + e^t)
        }
        return f / static_cast<double>(n) + 0.25 * l2 * w.squaredNorm();
    };
    const VectorXd w = m.weights.col(1) - m.weights.col(0);
    const double b = m.bias(1) - m.bias(0);
    CHECK(max_abs(m.weights.col(1) + m.weights.col(0)) < 1e-8);

    // Central differences of the objective at the returned weights.
    const double h = 1e-5;
    VectorXd grad(d + 1);
    for (Eigen::Index j = 0; j < d; ++j) {
        VectorXd wp = w, wm = w;
        wp(j) += h;
        wm(j) -= h;
        grad(j) = (objective(wp, b) - objective(wm, b)) / (2 * h);
    }
    grad(d) = (objective(w, b + h) - objective(w, b - h)) / (2 * h);
    CHECK(grad.norm() < 1e-8);
    CHECK(w.norm() > 0.5); // a real solution, not the zero vector
    CHECK(m.loss == Approx(objective(w, b)).epsilon(1e-10));
    // And moving away from it costs (a minimum, not a saddle or maximum).
    for (Eigen::Index j = 0; j < d; ++j) {
        VectorXd wp = w;
        wp(j) += 1e-2;
        CHECK(objective(wp, b) > objective(w, b));
    }

    // The probabilities are the logistic ones.
    const MatrixXd P = m.predict_proba(X);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double p1 = 1.0 / (1.0 + std::exp(-(Z.row(i).dot(w) + b)));
        CHECK(P(i, 1) == Approx(p1).margin(1e-12));
        CHECK(P(i, 0) + P(i, 1) == Approx(1.0).margin(1e-14));
    }
}

TEST_CASE("softmax: Newton and L-BFGS reach the same optimum", "[trainers]") {
    std::mt19937_64 rng(23);
    const Eigen::Index n = 300, d = 6;
    const int K = 4;
    const MatrixXd X = gaussian(n, d, rng);
    const MatrixXd Wtrue = gaussian(d, K, rng, 1.5);
    std::vector<int> y(static_cast<std::size_t>(n));
    std::uniform_real_distribution<double> U(0, 1);
    const MatrixXd P = softmax_rows(X * Wtrue);
    for (Eigen::Index i = 0; i < n; ++i) { // sample labels from the true model
        double r = U(rng);
        int k = 0;
        while (k < K - 1 && r > P(i, k)) r -= P(i, k++);
        y[static_cast<std::size_t>(i)] = k;
    }
    SoftmaxOptions opt;
    opt.l2 = 1e-3;
    opt.gradient_tolerance = 1e-10;
    opt.solver = SoftmaxSolver::newton;
    const SoftmaxModel a = fit_softmax(X, y, K, opt);
    opt.solver = SoftmaxSolver::lbfgs;
    opt.max_iterations = 5000;
    const SoftmaxModel b = fit_softmax(X, y, K, opt);
    REQUIRE(a.converged);
    REQUIRE(b.converged);
    CHECK(a.iterations < 30);
    CHECK(max_abs(a.weights - b.weights) < 1e-6);
    CHECK(max_abs(a.bias - b.bias) < 1e-6);
    CHECK(a.loss == Approx(b.loss).epsilon(1e-12));
    CHECK(std::abs(a.bias.sum()) < 1e-10); // biases kept centred
    // Automatic choice: 28 parameters -> Newton; forced small limit -> L-BFGS.
    opt.solver = SoftmaxSolver::automatic;
    CHECK(fit_softmax(X, y, K, opt).solver == SoftmaxSolver::newton);
    opt.newton_max_parameters = 10;
    CHECK(fit_softmax(X, y, K, opt).solver == SoftmaxSolver::lbfgs);

    // A class absent from the labels gets probability 0, the rest still sum to 1.
    const SoftmaxModel c = fit_softmax(X, y, K + 1);
    const MatrixXd Pc = c.predict_proba(X);
    CHECK(Pc.col(K).maxCoeff() == 0.0);
    CHECK(max_abs(Pc.rowwise().sum() - VectorXd::Ones(n)) < 1e-12);
    CHECK(c.converged);

    CHECK_THROWS_AS(fit_softmax(X, std::vector<int>(3, 0)), std::invalid_argument);
    std::vector<int> bad = y;
    bad[0] = -1;
    CHECK_THROWS_AS(fit_softmax(X, bad), std::invalid_argument);
}

TEST_CASE("softmax_rows is overflow safe", "[trainers]") {
    MatrixXd Z(2, 3);
    Z << 1000, 1000, -std::numeric_limits<double>::infinity(), -1e308, 0, 0;
    const MatrixXd P = softmax_rows(Z);
    CHECK(P(0, 0) == Approx(0.5));
    CHECK(P(0, 1) == Approx(0.5));
    CHECK(P(0, 2) == 0.0);
    CHECK(P(1, 0) == 0.0);
    CHECK(P(1, 1) == Approx(0.5));
}
