// fake-webhook-receiver: the test receiver as a process, for tests that run several bulwark
// processes. Prints "listening 127.0.0.1:<port>" once ready, serves until SIGINT/SIGTERM, and
// answers GET /_receiver/stats with {"requests": n, "accepted": k}.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "test/fakes/webhook_receiver/webhook_receiver.h"

int main(int argc, char** argv) {
  CLI::App app{"A webhook receiver on 127.0.0.1 that verifies Bulwark signatures"};
  std::string secret;
  int fail_first = 0;
  int fail_status = 503;
  int answer = 0;
  app.add_option("--secret", secret, "Webhook secret used to verify X-Bulwark-Signature");
  app.add_option("--fail-first", fail_first, "Answer the first N requests with --fail-status");
  app.add_option("--fail-status", fail_status, "Status for --fail-first (default 503)");
  app.add_option("--answer", answer, "Answer every request with this status (e.g. 410)");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server threads start

  bulwark::testing::WebhookReceiver receiver(secret);
  if (fail_first > 0) receiver.FailNext(fail_first, fail_status);
  if (answer != 0) receiver.AnswerAlways(answer);
  std::cout << "listening 127.0.0.1:" << receiver.port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "accepted " << receiver.Accepted() << " of " << receiver.Requests().size()
            << " requests" << std::endl;
  return 0;
}
