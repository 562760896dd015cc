// Factories of the SQL repositories, one per aggregate, each over a Session it keeps a
// reference to.
#pragma once

#include <memory>

#include "storage/sql/session.h"
#include "storage/store.h"

namespace bulwark::storage::sql {

std::unique_ptr<UserRepository> MakeUserRepository(Session& s);
std::unique_ptr<TokenRepository> MakeTokenRepository(Session& s);
std::unique_ptr<IntegrationRepository> MakeIntegrationRepository(Session& s);
std::unique_ptr<ProjectRepository> MakeProjectRepository(Session& s);
std::unique_ptr<ScannerConfigRepository> MakeScannerConfigRepository(Session& s);
std::unique_ptr<ScanRepository> MakeScanRepository(Session& s);
std::unique_ptr<FindingRepository> MakeFindingRepository(Session& s);
std::unique_ptr<EventRepository> MakeEventRepository(Session& s);
std::unique_ptr<WebhookDeliveryRepository> MakeWebhookDeliveryRepository(Session& s);
std::unique_ptr<ScheduleSlotRepository> MakeScheduleSlotRepository(Session& s);
std::unique_ptr<LoginSessionRepository> MakeLoginSessionRepository(Session& s);
std::unique_ptr<AuditRepository> MakeAuditRepository(Session& s);
std::unique_ptr<SealedSecretRepository> MakeSealedSecretRepository(Session& s);

}  // namespace bulwark::storage::sql
