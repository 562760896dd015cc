// The audit log of changes: who did what, when, to which target. Route groups make each change
// through AuditedChange so the change and its entry commit in one transaction (or neither does).
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "http/api_context.h"
#include "http/auth.h"

namespace bulwark::http {

// Runs `change` in one transaction with the audit entry it describes. The entry arrives with
// actor, time, request id and `action` filled; `change` sets target_type, target_id and detail
// (never a secret) once it knows them. Returns change's error, or the commit's.
core::Status AuditedChange(
    ApiContext& ctx, const Principal& who, const httplib::Response& res, std::string action,
    const std::function<core::Status(storage::Repositories&, storage::AuditEntry&)>& change);

// GET /api/v1/audit (admin): filters actor, action, target_type, since, until; limit, cursor.
void RegisterAuditRoutes(httplib::Server& svr, ApiContext& ctx);

}  // namespace bulwark::http
