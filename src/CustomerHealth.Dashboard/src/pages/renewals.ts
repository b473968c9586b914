// Renewals: upcoming renewals by date or by risk, with probability, expected ARR and the main drivers.
import { api } from "../api.js";
import { empty, h } from "../dom.js";
import { day, directionLabels, money, percent, riskLabels, tierLabels } from "../format.js";
import { UpcomingRenewalOrder } from "../gen/customerhealth/v1/renewal_service_pb.js";
import type { Route } from "../main.js";
import { pager, select, text, tierChoices } from "./filters.js";
import { pageSize, tierOf } from "./worklist.js";

export async function renewalsPage(route: Route): Promise<HTMLElement> {
    const q = route.query;
    const within = Number(q.get("within") ?? "90");
    const response = await api.renewals.listUpcomingRenewals({
        withinDays: Number.isFinite(within) ? within : 90,
        orderBy: q.get("order") === "risk" ? UpcomingRenewalOrder.RISK : UpcomingRenewalOrder.RENEWAL_DATE,
        csTier: tierOf(q.get("tier")),
        owner: q.get("owner") ?? "",
        segment: q.get("segment") ?? "",
        pageSize,
        pageToken: q.get("page") ?? "",
    });
    const controls = h(
        "div",
        { class: "filters" },
        select(route, "order", "Order", [
            { value: "", label: "Soonest first" },
            { value: "risk", label: "Riskiest first" },
        ]),
        select(
            route,
            "within",
            "Within",
            ["30", "60", "90", "180"].map((d) => ({ value: d, label: `${d} days` })),
        ),
        select(route, "tier", "Tier", tierChoices),
        text(route, "owner", "Owner", "any CSM"),
    );
    const rows = response.predictions.map((p) =>
        h(
            "tr",
            { "data-contract-id": p.contractId },
            h("td", {}, h("a", { href: `#/account/${encodeURIComponent(p.accountId)}` }, p.accountId)),
            h("td", {}, day(p.renewalDate)),
            h("td", { class: "num" }, String(p.daysToRenewal)),
            h(
                "td",
                { class: "num", "data-figure": "probability", "data-value": p.renewalProbability },
                percent(p.renewalProbability),
            ),
            h(
                "td",
                {},
                h("span", { class: `pill risk-${riskLabels[p.risk]?.toLowerCase()}` }, riskLabels[p.risk] ?? ""),
            ),
            h("td", { class: "num" }, money(p.arr)),
            h("td", { class: "num" }, money(p.expectedRenewalArr)),
            h(
                "td",
                {},
                p.drivers
                    .slice(0, 2)
                    .map((d) => `${d.feature} ${directionLabels[d.direction] ?? ""}`)
                    .join("; "),
            ),
            h("td", {}, tierLabels[p.csTier] ?? ""),
            h("td", {}, p.owner),
        ),
    );
    return h(
        "section",
        {},
        h("h1", {}, "Renewals"),
        controls,
        rows.length === 0
            ? empty("No renewal in this window matches these filters.")
            : h(
                  "table",
                  { class: "grid", "data-table": "renewals" },
                  h(
                      "thead",
                      {},
                      h(
                          "tr",
                          {},
                          [
                              "Account",
                              "Renews",
                              "Days",
                              "P(renew)",
                              "Risk",
                              "ARR",
                              "Expected",
                              "Drivers",
                              "Tier",
                              "Owner",
                          ].map((c) => h("th", {}, c)),
                      ),
                  ),
                  h("tbody", {}, rows),
              ),
        pager(route, response.nextPageToken),
    );
}
