// Work list: the worst scores first, filtered by owner, tier, segment and band, paged; the filters live in the URL.
import { api } from "../api.js";
import { empty, h } from "../dom.js";
import { bandClass, bandLabels, money, score, signed, stageLabels, tierLabels } from "../format.js";
import { CsTier } from "../gen/customerhealth/v1/accounts_pb.js";
import { HealthBand } from "../gen/customerhealth/v1/health_pb.js";
import { HealthScoreOrder } from "../gen/customerhealth/v1/health_service_pb.js";
import type { Route } from "../main.js";
import { pager, select, text, tierChoices } from "./filters.js";

export const pageSize = 25;

export function tierOf(value: string | null): CsTier {
    return value === "high"
        ? CsTier.HIGH_TOUCH
        : value === "low"
          ? CsTier.LOW_TOUCH
          : value === "tech"
            ? CsTier.TECH_TOUCH
            : CsTier.UNSPECIFIED;
}

function bandOf(value: string | null): HealthBand {
    const entry = Object.entries(bandClass).find(([, name]) => name === value);
    return entry ? (Number(entry[0]) as HealthBand) : HealthBand.UNSPECIFIED;
}

export async function worklistPage(route: Route): Promise<HTMLElement> {
    const q = route.query;
    const response = await api.health.listHealthScores({
        orderBy: HealthScoreOrder.SCORE,
        owner: q.get("owner") ?? "",
        csTier: tierOf(q.get("tier")),
        segment: q.get("segment") ?? "",
        band: bandOf(q.get("band")),
        pageSize,
        pageToken: q.get("page") ?? "",
    });
    const controls = h(
        "div",
        { class: "filters" },
        text(route, "owner", "Owner", "any CSM"),
        select(route, "tier", "Tier", tierChoices),
        text(route, "segment", "Segment", "any"),
        select(route, "band", "Band", [
            { value: "", label: "Any band" },
            ...[HealthBand.CRITICAL, HealthBand.AT_RISK, HealthBand.HEALTHY, HealthBand.UNKNOWN].map((b) => ({
                value: bandClass[b]!,
                label: bandLabels[b]!,
            })),
        ]),
    );
    const rows = response.scores.map((s) =>
        h(
            "tr",
            { "data-account-id": s.accountId },
            h(
                "td",
                {},
                h("a", { href: `#/account/${encodeURIComponent(s.accountId)}` }, s.account?.displayName || s.accountId),
            ),
            h(
                "td",
                { class: "num", "data-figure": "score", "data-value": s.score ?? "" },
                h("span", { class: `pill ${bandClass[s.band]}` }, score(s.score)),
            ),
            h("td", {}, bandLabels[s.band] ?? ""),
            h("td", { class: "num" }, signed(s.trend?.change7d)),
            h("td", {}, stageLabels[s.lifecycleStage] ?? ""),
            h("td", {}, tierLabels[s.csTier] ?? ""),
            h("td", {}, s.account?.owner ?? ""),
            h("td", {}, s.account?.segment ?? ""),
            h("td", { class: "num" }, money(s.account?.reportingArr ?? s.account?.arr)),
            h("td", {}, s.override ? h("span", { class: "tag", title: s.override.reason }, "override") : ""),
        ),
    );
    return h(
        "section",
        {},
        h("h1", {}, "Work list"),
        h("p", { class: "muted" }, "Lowest health score first; unknown scores last."),
        controls,
        rows.length === 0
            ? empty("No account matches these filters.")
            : h(
                  "table",
                  { class: "grid", "data-table": "worklist" },
                  h(
                      "thead",
                      {},
                      h(
                          "tr",
                          {},
                          ["Account", "Score", "Band", "7 days", "Stage", "Tier", "Owner", "Segment", "ARR", ""].map(
                              (c) => h("th", {}, c),
                          ),
                      ),
                  ),
                  h("tbody", {}, rows),
              ),
        pager(route, response.nextPageToken),
    );
}
