#include "scanners/xray/backoff.h"

namespace bulwark::scanners::xray {

bool IsRetryableStatus(int status) {
  switch (status) {
    case 408:
    case 425:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

}  // namespace bulwark::scanners::xray
