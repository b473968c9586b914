// Work list: the worst scores first, filtered by owner, tier, segment, band and lifecycle stage, paged; the filters live
// in the URL, so the overview's counts link here with their filters.
import { api } from "../api.js";
import { empty, h } from "../dom.js";
import { bandClass, bandLabels, money, score, signed, stageLabels, stageNames, tierLabels } from "../format.js";
import { CsTier } from "../gen/customerhealth/v1/accounts_pb.js";
import { HealthBand, LifecycleStage } from "../gen/customerhealth/v1/health_pb.js";
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

/** The enum value whose name in `names` is `value`, or the unspecified value (0) when none is. */
function valueNamed<T extends number>(names: Record<number, string>, value: string | null): T {
    const entry = Object.entries(names).find(([, name]) => name === value);
    return (entry ? Number(entry[0]) : 0) as T;
}

export async function worklistPage(route: Route): Promise<HTMLElement> {
    const q = route.query;
    const response = await api.health.listHealthScores({
        orderBy: HealthScoreOrder.SCORE,
        owner: q.get("owner") ?? "",
        csTier: tierOf(q.get("tier")),
        segment: q.get("segment") ?? "",
        band: valueNamed<HealthBand>(bandClass, q.get("band")),
        lifecycleStage: valueNamed<LifecycleStage>(stageNames, q.get("stage")),
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
        select(route, "stage", "Stage", [
            { value: "", label: "Any stage (not churned)" },
            ...Object.entries(stageNames).map(([stage, name]) => ({ value: name, label: stageLabels[Number(stage)]! })),
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
