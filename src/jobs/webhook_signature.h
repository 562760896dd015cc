// Webhook signatures: X-Bulwark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw
// body>")>. The timestamp inside the signed text lets receivers refuse replays. The one HMAC
// helper lives here so a shared crypto module can replace it in one place.
#pragma once

#include <string>
#include <string_view>

namespace bulwark::jobs {

// Lower-case hex HMAC-SHA256 of `message` under `key` (any key length).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// "t=1767225600,v1=5f0c..." for the given unix time and raw body.
std::string SignatureHeaderValue(std::string_view secret, long long unix_seconds,
                                 std::string_view body);

}  // namespace bulwark::jobs
