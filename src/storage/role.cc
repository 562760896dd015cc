#include <string>

#include "storage/store.h"

namespace bulwark::storage {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kMember:
      return "member";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

core::Result<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "member") return Role::kMember;
  if (text == "viewer") return Role::kViewer;
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    "role: '" + std::string(text) + "' is not one of admin, member, viewer");
}

}  // namespace bulwark::storage
