// `meridian demo`: what `make run` starts until the HTTP server lands.
//
// A small cross-border world on the real engine: a hub, wallets and
// acquirers in several currencies, each participant with a net debit cap.
// It streams payments (hold, then post or void; some holds left to expire;
// conversions as linked pairs through the hub's FX liquidity accounts),
// prints a status line a second, and on Ctrl-C shuts down cleanly (snapshot)
// and tells how to verify the data directory. Starting it again continues
// the same world.
#ifndef MERIDIAN_CLI_DEMO_H_
#define MERIDIAN_CLI_DEMO_H_

#include <string>

namespace meridian::cli {

// `reference_data` is ../shared/data or a deployment's own folder; the demo
// reads the ECB rates from it when they are there and says which it used.
int RunDemo(const std::string& data_dir, const std::string& reference_data,
            double seconds, double rate_per_s);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_DEMO_H_
