// The `meridian` command.
#include <malloc.h>

#include <CLI/CLI.hpp>

#include "cli/aml_command.h"
#include "cli/bench_api.h"
#include "cli/bench_ledger.h"
#include "cli/bench_network.h"
#include "cli/demo.h"
#include "cli/fx_command.h"
#include "cli/qr_command.h"
#include "cli/risk_command.h"
#include "cli/screen_command.h"
#include "cli/serve.h"
#include "cli/verify_command.h"

int main(int argc, char** argv) {
  // The engine allocates and frees MiB-sized command and record buffers all
  // the time. Above glibc's mmap threshold each one would be a fresh mmap,
  // faulting in every page again, then a munmap: keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"Meridian: cross-border payments on one double-entry ledger"};
  app.require_subcommand(1);

  std::string verify_dir;
  bool verify_json = false;
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Replay DATA_DIR's journal into a fresh engine and check "
      "checksums, hash chain, Merkle roots, invariants and the "
      "newest snapshot; exit 0 only when everything fits");
  verify->add_option("DATA_DIR", verify_dir, "the data directory")->required();
  verify->add_flag("--json", verify_json, "print one JSON object");

  CLI::App* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  meridian::cli::BenchLedgerOptions bench_options;
  std::vector<std::string> case_names;
  bool no_sync = false;
  CLI::App* bench_ledger = bench->add_subcommand(
      "ledger", "Durable transfers through the sequencer and journal");
  bench_ledger->add_option(
      "--case", case_names,
      "uniform_10k, hot_10k, uniform_1m, replay (default: all)");
  bench_ledger->add_option("--seconds", bench_options.seconds, "per case");
  bench_ledger
      ->add_option("--transfers-per-command",
                   bench_options.transfers_per_command)
      ->check(CLI::Range(1, 8190));
  bench_ledger
      ->add_option("--in-flight", bench_options.in_flight,
                   "commands outstanding at once")
      ->check(CLI::Range(1, 1024));
  bench_ledger
      ->add_option("--batch-commands", bench_options.max_batch_commands,
                   "most commands per journal batch")
      ->check(CLI::Range(1, 8192));
  bench_ledger->add_option("--data-dir", bench_options.data_dir,
                           "where the throwaway journals go (default $TMPDIR)");
  bench_ledger->add_flag("--no-sync", no_sync,
                         "skip fdatasync (NOT durable; for comparison only)");
  bench_ledger->add_flag("--json", bench_options.json,
                         "one JSON object per case");
  std::string bench_aml = "on";
  bench_ledger
      ->add_option("--aml", bench_aml,
                   "AML monitoring in the engine: on (as deployed) or off")
      ->check(CLI::IsMember({"on", "off"}));

  meridian::cli::BenchApiOptions api_options;
  CLI::App* bench_api = bench->add_subcommand(
      "api",
      "HTTP: POST /v1/ledger/transfers (one transfer per request) beside "
      "GET /healthz, closed loop, then open loop at half the maximum");
  bench_api->add_option("--target", api_options.target,
                        "HOST:PORT of a running server (default: start one "
                        "in this process)");
  bench_api->add_option("--operator-key", api_options.operator_key,
                        "with --target");
  bench_api->add_option("--connections", api_options.connections)
      ->check(CLI::Range(1, 10000));
  bench_api->add_option("--seconds", api_options.seconds, "per run");
  bench_api->add_option("--warmup", api_options.warmup_seconds, "per run");
  bench_api->add_option("--accounts", api_options.accounts)
      ->check(CLI::Range(2, 10'000'000));
  bench_api->add_option("--io-threads", api_options.io_threads)
      ->check(CLI::Range(1, 64));
  bench_api->add_option("--data-dir", api_options.data_dir);
  bench_api->add_flag("--no-sync", api_options.no_sync,
                      "skip fdatasync (NOT durable; for comparison only)");
  bench_api->add_flag("--json", api_options.json, "one JSON object per run");

  meridian::cli::BenchNetworkOptions network_options;
  CLI::App* bench_network = bench->add_subcommand(
      "network",
      "Wallet interconnect MPM payments over HTTP with every check on "
      "(auth, quote, screening, limits, risk, ledger, durable journal): "
      "quote+pay and pay, closed loop and open loop at --rate, beside "
      "GET /healthz; checks the ledger against the answers afterwards");
  bench_network->add_option("--target", network_options.target,
                            "HOST:PORT of a running server (default: start "
                            "one in this process)");
  bench_network->add_option("--operator-key", network_options.operator_key,
                            "with --target");
  bench_network->add_option("--case", network_options.cases,
                            "quote+pay, pay (default: both)");
  bench_network->add_option("--mode", network_options.modes,
                            "max (closed loop), rate (open loop at --rate); "
                            "default: both");
  bench_network->add_option("--connections", network_options.connections)
      ->check(CLI::Range(1, 10000));
  bench_network
      ->add_option("--rate", network_options.rate_per_s,
                   "payments per second of the open-loop runs")
      ->check(CLI::Range(1.0, 1e7));
  bench_network->add_option("--seconds", network_options.seconds, "per run")
      ->check(CLI::Range(0.1, 3600.0));
  bench_network
      ->add_option("--warmup", network_options.warmup_seconds, "per run")
      ->check(CLI::Range(0.0, 600.0));
  bench_network->add_option("--merchants", network_options.merchants)
      ->check(CLI::Range(1, 1'000'000));
  bench_network
      ->add_option("--users", network_options.users, "wallet users paying")
      ->check(CLI::Range(1, 100'000'000));
  bench_network
      ->add_option("--names", network_options.names,
                   "distinct payer names (default 0: one per payer)")
      ->check(CLI::Range(0, 100'000'000));
  bench_network->add_option("--io-threads", network_options.io_threads)
      ->check(CLI::Range(1, 64));
  bench_network->add_option("--data-dir", network_options.data_dir);
  bench_network->add_option(
      "--sanctions-dir", network_options.sanctions_dir,
      "lists folder (default ../shared/data/sanctions when present; "
      "\"none\": the built-in demo list)");
  bench_network->add_option("--seed", network_options.seed);
  bench_network->add_flag("--no-sync", network_options.no_sync,
                          "skip fdatasync (NOT durable; for comparison only)");
  bench_network->add_flag("!--no-healthz", network_options.healthz,
                          "skip the /healthz run");
  bench_network->add_flag("--json", network_options.json,
                          "one JSON object per line");

  std::string demo_dir = ".meridian-data";
  std::string demo_reference = "../shared/data";
  double demo_seconds = 0;
  double demo_rate = 200;
  CLI::App* demo = app.add_subcommand(
      "demo", "Run a small cross-border world on the engine (make run)");
  demo->add_option("--data-dir", demo_dir, "kept between runs");
  demo->add_option("--reference-data", demo_reference,
                   "reference data folder (ECB rates); built-in rates when "
                   "missing");
  demo->add_option("--seconds", demo_seconds,
                   "stop after this long (0: Ctrl-C)");
  demo->add_option("--rate", demo_rate, "payments per second")
      ->check(CLI::Range(1.0, 20000.0));

  meridian::cli::ServeFlags serve_flags;
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the HTTP API (Ctrl-C or SIGTERM stops it gracefully)");
  serve->add_option("--config", serve_flags.config_path, "meridian.toml");
  serve->add_option("--data-dir", serve_flags.data_dir,
                    "journal, snapshots and read model (default "
                    ".meridian-data)");
  serve->add_option("--listen", serve_flags.listen,
                    "HOST:PORT (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_option("--operator-key-file", serve_flags.operator_key_file,
                    "use this operator key (also MERIDIAN_OPERATOR_KEY)");
  serve->add_option("--io-threads", serve_flags.io_threads)
      ->check(CLI::Range(1, 64));
  serve->add_flag("--no-sync", serve_flags.no_sync,
                  "skip fdatasync (NOT durable; tests and comparisons only)");
  serve->add_flag("--access-log", serve_flags.access_log,
                  "one JSON line per request on stderr");
  serve->add_flag("--sandbox", serve_flags.sandbox,
                  "Serve the sandbox wallet (POST /sandbox/wallets/{mode}/"
                  "authorize) for tests and demos; never in production");
  serve->add_option("--sanctions-dir", serve_flags.sanctions_dir,
                    "sanctions lists folder (default ../shared/data/sanctions "
                    "when present; \"none\": the built-in demo list)");

  CLI::App* fx = app.add_subcommand("fx", "FX rates");
  fx->require_subcommand(1);
  meridian::cli::FxLoadEcbOptions ecb;
  CLI::App* load_ecb = fx->add_subcommand(
      "load-ecb",
      "Post one day of the ECB reference-rate history (eurofxref-hist.csv) "
      "to a running server's POST /v1/fx/rates");
  load_ecb->add_option("FILE", ecb.file, "eurofxref-hist.csv")->required();
  load_ecb->add_option("--date", ecb.date,
                       "YYYY-MM-DD: the fixing on or before it (default: "
                       "the newest)");
  load_ecb->add_option("--target", ecb.target,
                       "the server (default http://127.0.0.1:8080)");
  load_ecb->add_option("--key-file", ecb.key_file,
                       "the operator's key (else MERIDIAN_OPERATOR_KEY)");
  load_ecb->add_flag("--restamp", ecb.restamp,
                     "post the fixing as of now, so an old day quotes "
                     "(demos and tests)");
  load_ecb->add_flag("--json", ecb.json, "print the server's answer");

  CLI::App* aml = app.add_subcommand("aml", "AML transaction monitoring");
  aml->require_subcommand(1);
  meridian::cli::AmlEvalOptions aml_eval_options;
  CLI::App* aml_eval = aml->add_subcommand(
      "eval",
      "Replay an AMLSim sample (../shared/data/aml/amlsim) through the "
      "transaction monitor: recall of the laundering accounts, alerts per "
      "1,000 accounts, per-rule figures");
  aml_eval->add_option("DIR", aml_eval_options.dir, "the AMLSim folder")
      ->required();
  aml_eval->add_option("--sample", aml_eval_options.sample,
                       "NAME of NAME_nodes.csv (default: the only one)");
  aml_eval->add_flag("--json", aml_eval_options.json, "print one JSON object");
  aml_eval->add_option("--set", aml_eval_options.set,
                       "NAME=VALUE: change one monitor parameter "
                       "(repeatable; see --show-config)");
  aml_eval->add_flag("--defaults", aml_eval_options.defaults,
                     "start from the monitor's defaults, not the AMLSim "
                     "tuning");
  aml_eval->add_flag("--show-config", aml_eval_options.show_config,
                     "print the parameters and exit");
  aml_eval->add_option("--alerts", aml_eval_options.alerts_file,
                       "write every alert to this file, one line each");

  meridian::cli::ScreenOptions screen_options;
  CLI::App* screen = app.add_subcommand(
      "screen",
      "Screen a name against the sanctions lists, or measure the matcher "
      "on the evaluation sets (--eval)");
  screen->add_option("NAME", screen_options.name, "the name to screen");
  screen->add_option("--country", screen_options.country,
                     "ISO 3166 alpha-2 country of the person or company");
  screen->add_option("--dob", screen_options.date_of_birth,
                     "date of birth, YYYY-MM-DD (or YYYY)");
  screen->add_option("--lists", screen_options.lists_dir,
                     "the sanctions lists folder (default "
                     "../shared/data/sanctions)");
  screen->add_option("--eval", screen_options.eval_dir,
                     "run the evaluation sets in this folder "
                     "(../shared/data/sanctions/eval)");
  screen
      ->add_option("--threshold", screen_options.threshold,
                   "hit threshold (default the matcher's)")
      ->check(CLI::Range(0.01, 1.0));
  screen->add_option("--max-hits", screen_options.max_hits)
      ->check(CLI::Range(1, 1000));
  screen->add_flag("--json", screen_options.json, "print one JSON object");
  screen->add_flag("--verbose", screen_options.verbose,
                   "--eval: print every misjudged case");

  CLI::App* risk = app.add_subcommand("risk", "Fraud risk");
  risk->require_subcommand(1);
  meridian::cli::RiskTrainOptions risk_train_options;
  CLI::App* risk_train = meridian::cli::AddRiskTrain(risk, &risk_train_options);

  meridian::cli::QrOptions qr_options;
  CLI::App* qr = meridian::cli::AddQr(&app, &qr_options);

  std::string reindex_dir = ".meridian-data";
  CLI::App* reindex = app.add_subcommand(
      "reindex",
      "Delete DATA_DIR/store (the read model) and rebuild it from the "
      "journal; the server must be stopped");
  reindex->add_option("--data-dir", reindex_dir, "the data directory");

  CLI11_PARSE(app, argc, argv);
  if (reindex->parsed()) {
    meridian::Result<meridian::api::ReindexInfo> info =
        meridian::api::Reindex(reindex_dir);
    if (!info.ok()) {
      std::fprintf(stderr, "meridian reindex: %s\n",
                   info.error().ToString().c_str());
      return 1;
    }
    std::printf(
        "reindexed %s: %llu batches replayed; read model at batch "
        "%llu with %llu accounts, %llu transfers, %llu objects\n",
        reindex_dir.c_str(), static_cast<unsigned long long>(info->batches),
        static_cast<unsigned long long>(info->watermark),
        static_cast<unsigned long long>(info->accounts),
        static_cast<unsigned long long>(info->transfers),
        static_cast<unsigned long long>(info->objects));
    return 0;
  }
  if (serve->parsed()) return meridian::cli::RunServe(serve_flags);
  if (load_ecb->parsed()) return meridian::cli::RunFxLoadEcb(ecb);
  if (aml_eval->parsed()) return meridian::cli::RunAmlEval(aml_eval_options);
  if (screen->parsed()) return meridian::cli::RunScreen(screen_options);
  if (risk_train->parsed()) {
    return meridian::cli::RunRiskTrain(risk_train_options);
  }
  if (bench_api->parsed()) return meridian::cli::RunBenchApi(api_options);
  if (bench_network->parsed()) {
    return meridian::cli::RunBenchNetwork(network_options);
  }
  if (qr->parsed()) return meridian::cli::RunQr(qr_options);

  if (verify->parsed())
    return meridian::cli::RunVerify(verify_dir, verify_json);
  if (bench_ledger->parsed()) {
    bench_options.aml = bench_aml == "on";
    std::vector<meridian::cli::BenchLedgerCase> all =
        meridian::cli::DefaultLedgerCases();
    if (case_names.empty()) {
      bench_options.cases = all;
    } else {
      for (const std::string& name : case_names) {
        bool found = false;
        for (const auto& c : all) {
          if (c.name == name) {
            bench_options.cases.push_back(c);
            found = true;
          }
        }
        if (!found) {
          std::fprintf(stderr, "unknown case %s\n", name.c_str());
          return 2;
        }
      }
    }
    bench_options.sync = !no_sync;
    return meridian::cli::RunBenchLedger(bench_options);
  }
  if (demo->parsed()) {
    return meridian::cli::RunDemo(demo_dir, demo_reference, demo_seconds,
                                  demo_rate);
  }
  return 0;
}
