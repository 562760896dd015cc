// ApiContext: what route groups need from the rest of the server. A route group is a file
// `<group>_routes.cc` defining `void Register<Group>Routes(httplib::Server&, ApiContext&)`,
// declared in routes.h and called from Server's constructor; it protects its handlers with
// auth.h's Authorized(ctx, min_role, handler).
#pragma once

#include <filesystem>

#include "env/clock.h"
#include "storage/store.h"

namespace bulwark::http {

struct ApiContext {
  storage::Store& store;
  env::Clock& clock;
  // Where uploaded result files are kept until their import scan ran (created on first use).
  std::filesystem::path upload_dir;
};

}  // namespace bulwark::http
