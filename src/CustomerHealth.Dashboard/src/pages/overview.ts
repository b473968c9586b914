// Portfolio overview: accounts by band and stage, retention, activation and NPS for a chosen period, and the
// renewal forecast of the next 90 days.
import { api } from "../api.js";
import { rowBars } from "../charts.js";
import { empty, figure, h } from "../dom.js";
import { bandClass, bandLabels, money, moneyValue, percent, score, stageLabels, stageNames } from "../format.js";
import { PeriodKind } from "../gen/customerhealth/v1/metrics_pb.js";
import type { Route } from "../main.js";
import { tierOf } from "./worklist.js";
import { select, text, tierChoices } from "./filters.js";

const periods: Record<string, PeriodKind> = {
    month: PeriodKind.MONTH,
    quarter: PeriodKind.QUARTER,
    year: PeriodKind.YEAR,
};

/** The days of the renewal forecast on this page. */
export const forecastDays = 90;

export async function overviewPage(route: Route): Promise<HTMLElement> {
    const period = route.query.get("period") ?? "quarter";
    const filters = { csTier: tierOf(route.query.get("tier")), segment: route.query.get("segment") ?? "" };
    const [{ report }, forecast] = await Promise.all([
        api.metrics.getPortfolioMetrics({ period: { kind: periods[period] ?? PeriodKind.QUARTER }, ...filters }),
        renewalForecast(filters.csTier, filters.segment),
    ]);
    const controls = h(
        "div",
        { class: "filters" },
        select(route, "period", "Period", [
            { value: "month", label: "Month to date" },
            { value: "quarter", label: "Quarter to date" },
            { value: "year", label: "Year to date" },
        ]),
        select(route, "tier", "Tier", tierChoices),
        text(route, "segment", "Segment", "any"),
    );
    if (!report || report.accounts === 0)
        return h("section", {}, h("h1", {}, "Portfolio"), controls, empty("No accounts match these filters yet."));
    const r = report;
    return h(
        "section",
        {},
        h("h1", {}, "Portfolio"),
        controls,
        h(
            "p",
            { class: "muted" },
            `${dayText(r.period?.startDate)} to ${dayText(r.period?.endDate)}, ${r.currencyCode}`,
        ),
        h(
            "div",
            { class: "figures" },
            figure("accounts", "Accounts", String(r.accounts), r.accounts),
            figure("arr", "ARR", money(r.arr), moneyValue(r.arr)),
            figure("grr", "Gross revenue retention", percent(r.revenue?.grr), r.revenue?.grr),
            figure("nrr", "Net revenue retention", percent(r.revenue?.nrr), r.revenue?.nrr),
            figure("logo-churn", "Logo churn", percent(r.logos?.churnRate), r.logos?.churnRate),
            figure("activation", "Activation (TTV ≤ 90 days)", percent(r.activation?.rate), r.activation?.rate),
            figure("nps", "NPS", score(r.nps?.score), r.nps?.score),
            figure(
                "forecast",
                `Expected renewal ARR, next ${forecastDays} days`,
                moneyText(forecast),
                forecast.expected,
            ),
        ),
        h(
            "div",
            { class: "columns" },
            h(
                "div",
                { class: "card" },
                h("h2", {}, "Accounts by health band"),
                rowBars(
                    r.accountsByBand.map((b) => ({
                        label: bandLabels[b.band] ?? "?",
                        value: b.accounts,
                        className: bandClass[b.band],
                    })),
                    "Accounts by health band",
                ),
                countLinks(
                    route,
                    "band",
                    bandClass,
                    bandLabels,
                    r.accountsByBand.map((b) => [b.band, b.accounts]),
                ),
            ),
            h(
                "div",
                { class: "card" },
                h("h2", {}, "Accounts by lifecycle stage"),
                rowBars(
                    r.accountsByStage.map((s) => ({ label: stageLabels[s.stage] ?? "?", value: s.accounts })),
                    "Accounts by lifecycle stage",
                ),
                countLinks(
                    route,
                    "stage",
                    stageNames,
                    stageLabels,
                    r.accountsByStage.map((s) => [s.stage, s.accounts]),
                ),
            ),
            h(
                "div",
                { class: "card" },
                h("h2", {}, `Renewals in the next ${forecastDays} days`),
                h(
                    "p",
                    {},
                    `${forecast.count} contracts, ` +
                        `${moneyText({ ...forecast, expected: forecast.arr })} ARR up for renewal, `,
                    `${moneyText(forecast)} expected. `,
                    h("a", { href: "#/renewals?order=risk" }, "Riskiest first →"),
                ),
            ),
        ),
    );
}

/**
 * Each count (an enum value and its accounts) as a link to the work list of those accounts: the value by its name in
 * `names` under the query key `filter`, keeping this page's tier and segment filters.
 */
function countLinks(
    route: Route,
    filter: string,
    names: Record<number, string>,
    labels: Record<number, string>,
    counts: [number, number][],
): HTMLElement {
    const kept = new URLSearchParams();
    for (const key of ["tier", "segment"]) {
        const value = route.query.get(key);
        if (value) kept.set(key, value);
    }
    return h(
        "ul",
        { class: "plain" },
        counts.map(([value, accounts]) => {
            const query = new URLSearchParams(kept);
            query.set(filter, names[value]!);
            const id = `${filter}-${names[value]}`;
            return h(
                "li",
                {},
                h("a", { href: `#/worklist?${query}`, "data-link": id }, `${labels[value]}: `),
                h("span", { "data-figure": id, "data-value": accounts }, String(accounts)),
            );
        }),
    );
}

interface Forecast {
    count: number;
    arr: number;
    expected: number;
    currency: string;
}

/** Every upcoming renewal of the next 90 days, page by page, summed. */
async function renewalForecast(csTier: number, segment: string): Promise<Forecast> {
    const total: Forecast = { count: 0, arr: 0, expected: 0, currency: "" };
    let pageToken = "";
    do {
        const page = await api.renewals.listUpcomingRenewals({
            withinDays: forecastDays,
            csTier,
            segment,
            pageSize: 1000,
            pageToken,
        });
        for (const p of page.predictions) {
            total.count++;
            total.arr += moneyValue(p.arr);
            total.expected += moneyValue(p.expectedRenewalArr);
            total.currency ||= p.expectedRenewalArr?.currencyCode ?? "";
        }
        pageToken = page.nextPageToken;
    } while (pageToken);
    return total;
}

function moneyText(f: Forecast): string {
    return new Intl.NumberFormat("en-US", {
        style: "currency",
        currency: f.currency || "USD",
        maximumFractionDigits: 0,
    }).format(f.expected);
}

function dayText(d: { year: number; month: number; day: number } | undefined): string {
    return d ? `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}` : "";
}
