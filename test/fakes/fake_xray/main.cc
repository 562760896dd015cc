// fake-xray: a fake JFrog Platform for tests and benchmarks. Serves HTTP and, with --tls-port,
// HTTPS with a self-signed certificate (generated at start unless --cert/--key are given).
// Prints "listening on http://127.0.0.1:PORT" (and an https line) once ready; stops on SIGTERM.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "test/fakes/fake_xray/fake_platform.h"

namespace {

struct Credentials {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

// A self-signed certificate for CN=127.0.0.1 with SAN IP:127.0.0.1 and DNS:localhost.
Credentials GenerateSelfSigned() {
  Credentials c;
  c.key = EVP_RSA_gen(2048);
  c.cert = X509_new();
  X509_set_version(c.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(c.cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.cert), 7L * 24 * 3600);
  X509_set_pubkey(c.cert, c.key);
  X509_NAME* name = X509_get_subject_name(c.cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(c.cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, c.cert, c.cert, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  X509_add_ext(c.cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(c.cert, c.key, EVP_sha256());
  return c;
}

Credentials LoadFiles(const std::string& cert_path, const std::string& key_path) {
  Credentials c;
  if (FILE* f = std::fopen(cert_path.c_str(), "r")) {
    c.cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
  }
  if (FILE* f = std::fopen(key_path.c_str(), "r")) {
    c.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fake-xray: a fake JFrog Platform (Xray + Artifactory) for tests"};
  std::string host = "127.0.0.1";
  int port = 0;
  int tls_port = -1;
  std::string cert_file, key_file, config_file;
  std::size_t generate_rows = 0;
  int latency_ms = -1;
  int threads = 64;
  app.add_option("--host", host, "address to bind");
  app.add_option("--port", port, "HTTP port (0 = any free port)");
  app.add_option("--tls-port", tls_port, "also serve HTTPS on this port (0 = any free port)");
  app.add_option("--cert", cert_file, "PEM certificate for HTTPS (default: self-signed)");
  app.add_option("--key", key_file, "PEM private key for HTTPS");
  app.add_option("--config", config_file, "JSON configuration applied at start");
  app.add_option("--generate-rows", generate_rows, "dataset of N generated rows");
  app.add_option("--latency-ms", latency_ms, "latency added to every platform request");
  app.add_option("--threads", threads,
                 "connections served at once per listener (a kept-alive connection holds one "
                 "until it closes or has been idle 5 s)")
      ->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  bulwark::fakes::FakePlatform platform;
  nlohmann::json config = nlohmann::json::object();
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    config = nlohmann::json::parse(in, nullptr, false);
  }
  if (generate_rows > 0) config["dataset"] = {{"generate", generate_rows}};
  if (latency_ms >= 0) config["latency_ms"] = latency_ms;
  if (auto error = platform.Configure(config); !error.empty()) {
    std::cerr << "fake-xray: " << error << "\n";
    return 2;
  }

  // cpp-httplib serves each connection on one pool thread for as long as it is kept alive (up to
  // 5 s idle), and its default pool is max(8, cores - 1) threads: on a small machine the 9th
  // open connection waited up to 5 s for an idle one to time out, so a client paging with 8
  // connections beside one control connection stalled. A real platform serves far more
  // connections than any one client opens.
  auto pool = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  httplib::Server http;
  platform.Install(http);
  http.new_task_queue = pool;
  http.set_keep_alive_max_count(100000);
  // Headers and body leave in separate writes; like the Go server of Xray, answer without
  // Nagle's delay.
  http.set_tcp_nodelay(true);
  int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::cerr << "fake-xray: cannot bind " << host << ":" << port << "\n";
    return 1;
  }
  std::unique_ptr<httplib::SSLServer> https;
  int tls_bound = -1;
  if (tls_port >= 0) {
    auto creds = cert_file.empty() ? GenerateSelfSigned() : LoadFiles(cert_file, key_file);
    if (creds.cert == nullptr || creds.key == nullptr) {
      std::cerr << "fake-xray: cannot load --cert/--key\n";
      return 2;
    }
    https = std::make_unique<httplib::SSLServer>(creds.cert, creds.key);
    X509_free(creds.cert);
    EVP_PKEY_free(creds.key);
    platform.Install(*https);
    https->new_task_queue = pool;
    https->set_keep_alive_max_count(100000);
    https->set_tcp_nodelay(true);
    tls_bound = tls_port == 0 ? https->bind_to_any_port(host)
                              : (https->bind_to_port(host, tls_port) ? tls_port : -1);
    if (tls_bound < 0) {
      std::cerr << "fake-xray: cannot bind TLS port\n";
      return 1;
    }
  }
  std::thread http_thread([&] { http.listen_after_bind(); });
  std::thread https_thread([&] {
    if (https) https->listen_after_bind();
  });
  std::cout << "listening on http://" << host << ":" << bound << std::endl;
  if (https) std::cout << "listening on https://" << host << ":" << tls_bound << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  // Nothing to flush: the fake keeps its state in memory. Exiting at once avoids waiting for
  // idle keep-alive connections to time out.
  std::_Exit(0);
}
