#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/routes.h"

namespace bulwark::http {

void RegisterMeRoutes(httplib::Server& svr, ApiContext& ctx) {
  svr.Get("/api/v1/me",
          Authorized(ctx, storage::Role::kViewer,
                     [](const httplib::Request&, httplib::Response& res, const Principal& who) {
                       nlohmann::json body = {{"token_name", who.token_name},
                                              {"role", storage::RoleName(who.role)}};
                       if (who.user_id) body["user_id"] = *who.user_id;
                       WriteJson(res, 200, body);
                     }));
}

}  // namespace bulwark::http
