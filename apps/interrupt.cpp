// SPDX-License-Identifier: MIT
#include "interrupt.hpp"

#include <csignal>
#include <unistd.h>

namespace gliasim::app {

namespace {

// Process-wide because signal handlers are: one guard at a time.
std::atomic<bool> g_requested{false};
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_int, g_old_term;

void on_signal(int sig) {
    if (g_requested.load()) {
        // Second signal: abort now, with the default action (the exit status shows the signal).
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    g_signal = sig;
    g_requested.store(true);
    constexpr char msg[] = "\n[gliasim] signal received: stopping at the next slice boundary "
                           "(send it again to abort at once)\n";
    const auto written = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)written;
}

} // namespace

static_assert(std::atomic<bool>::is_always_lock_free, "the flag is written in a signal handler");

InterruptGuard::InterruptGuard() {
    g_requested.store(false);
    g_signal = 0;
    struct sigaction sa = {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &g_old_int);
    sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>* InterruptGuard::flag() const {
    return &g_requested;
}

int InterruptGuard::signal() const {
    return g_signal;
}

} // namespace gliasim::app
