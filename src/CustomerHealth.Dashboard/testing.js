// For the browser tests (tests/dashboard/): the generated clients and the libraries they need, imported from this
// package so that there is one copy of each. Not part of the page.
export { createClient } from "@connectrpc/connect";
export { createGrpcTransport } from "@connectrpc/connect-node";
export { chromium } from "playwright-core";
export { AccountService } from "./src/gen/customerhealth/v1/account_service_pb.js";
export { HealthService, HealthScoreOrder } from "./src/gen/customerhealth/v1/health_service_pb.js";
export { HealthBand } from "./src/gen/customerhealth/v1/health_pb.js";
export { CsTier } from "./src/gen/customerhealth/v1/accounts_pb.js";
export { MetricsService } from "./src/gen/customerhealth/v1/metrics_service_pb.js";
export { PeriodKind } from "./src/gen/customerhealth/v1/metrics_pb.js";
export { RenewalService, UpcomingRenewalOrder } from "./src/gen/customerhealth/v1/renewal_service_pb.js";
export { ServiceInfoService } from "./src/gen/customerhealth/v1/service_info_service_pb.js";
export { DemoState } from "./src/gen/customerhealth/v1/service_info_service_pb.js";
