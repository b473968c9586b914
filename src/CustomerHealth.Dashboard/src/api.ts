// The API as the page calls it: the clients generated from protos/ (src/gen, by protoc-gen-es) over gRPC-Web, on the
// server that served the page, each call carrying the signed-in person's bearer token.
import { createClient, type Interceptor, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AccountService } from "./gen/customerhealth/v1/account_service_pb.js";
import { HealthService } from "./gen/customerhealth/v1/health_service_pb.js";
import { MetricsService } from "./gen/customerhealth/v1/metrics_service_pb.js";
import { RenewalService } from "./gen/customerhealth/v1/renewal_service_pb.js";
import { ServiceInfoService } from "./gen/customerhealth/v1/service_info_service_pb.js";
import { currentToken } from "./auth.js";

const bearer: Interceptor = (next) => async (request) => {
    const token = await currentToken();
    if (token) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
};

const transport = createGrpcWebTransport({
    baseUrl: new URL(".", window.location.href).href.replace(/\/$/, ""),
    useBinaryFormat: true,
    interceptors: [bearer],
});

export interface Api {
    accounts: Client<typeof AccountService>;
    health: Client<typeof HealthService>;
    metrics: Client<typeof MetricsService>;
    renewals: Client<typeof RenewalService>;
    serviceInfo: Client<typeof ServiceInfoService>;
}

export const api: Api = {
    accounts: createClient(AccountService, transport),
    health: createClient(HealthService, transport),
    metrics: createClient(MetricsService, transport),
    renewals: createClient(RenewalService, transport),
    serviceInfo: createClient(ServiceInfoService, transport),
};
