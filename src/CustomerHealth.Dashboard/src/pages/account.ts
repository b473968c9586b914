// Account page: score and components with their explanations, 90-day history, usage, onboarding plan and time to
// value, renewal prediction with drivers, NPS, tickets and touchpoints, and the override with its reason.
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { api } from "../api.js";
import { barChart, lineChart } from "../charts.js";
import { empty, errorBox, figure, h } from "../dom.js";
import {
    bandLabels,
    componentLabels,
    day,
    directionLabels,
    instant,
    money,
    percent,
    protoDate,
    riskLabels,
    score,
    signed,
    stageLabels,
    tierLabels,
} from "../format.js";
import type { AccountOverview } from "../gen/customerhealth/v1/account_overview_pb.js";
import { HealthBand, type HealthScore } from "../gen/customerhealth/v1/health_pb.js";
import type { Route } from "../main.js";

const historyDays = 90;

export async function accountPage(route: Route): Promise<HTMLElement> {
    const accountId = route.id ?? "";
    if (!accountId) return empty("Pick an account from the work list.");
    const today = new Date();
    const start = new Date(today.getTime() - (historyDays - 1) * 86_400_000);
    const [{ overview }, history, { scorecard }] = await Promise.all([
        api.accounts.getAccountOverview({ accountId }),
        api.health.getHealthHistory({ accountId, startDate: protoDate(start), endDate: protoDate(today) }),
        api.health.getScorecard({}),
    ]);
    const thresholds = { atRisk: scorecard?.atRiskFrom ?? 40, healthy: scorecard?.healthyFrom ?? 70 };
    const o = overview!;
    const s = o.healthScore;
    return h(
        "section",
        { "data-account-id": accountId },
        h("p", {}, h("a", { href: "#/worklist" }, "← Work list")),
        h("h1", {}, o.account?.displayName || accountId),
        h(
            "p",
            { class: "muted" },
            [
                accountId,
                o.account?.owner,
                o.account?.segment,
                tierLabels[o.account?.effectiveCsTier ?? 0],
                s ? stageLabels[s.lifecycleStage] : undefined,
            ]
                .filter(Boolean)
                .join(" · "),
        ),
        h(
            "div",
            { class: "figures" },
            figure("score", "Health score", score(s?.score), s?.score),
            figure("band", "Band", bandLabels[s?.band ?? 0] ?? "—", bandLabels[s?.band ?? 0]),
            figure("change-30d", "30-day change", signed(s?.trend?.change30d), s?.trend?.change30d),
            figure("arr", "ARR", money(o.reportingArr ?? o.currentContract?.arr), undefined),
            figure(
                "renewal-probability",
                "Renewal probability",
                percent(o.renewalPrediction?.renewalProbability),
                o.renewalPrediction?.renewalProbability,
            ),
        ),
        h(
            "div",
            { class: "columns" },
            components(s),
            historyCard(
                history.snapshots.map((p) => ({ label: day(p.day), value: p.score })),
                thresholds,
            ),
        ),
        h("div", { class: "columns" }, renewal(o), onboarding(o)),
        usage(o),
        h("div", { class: "columns" }, nps(o), tickets(o), touchpoints(o)),
        overrideCard(accountId, s),
    );
}

function components(s: HealthScore | undefined): HTMLElement {
    if (!s || s.components.length === 0)
        return h("div", { class: "card" }, h("h2", {}, "Components"), empty("Not scored yet."));
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Components"),
        h(
            "table",
            { class: "grid compact" },
            h(
                "tbody",
                {},
                s.components.map((c) =>
                    h(
                        "tr",
                        { "data-component": componentLabels[c.kind] ?? "" },
                        h("td", {}, componentLabels[c.kind] ?? c.metric),
                        h(
                            "td",
                            { class: "num" },
                            h("span", { class: "meter" }, h("span", { style: `width:${Math.round(c.score)}%` })),
                            ` ${score(c.score)}`,
                        ),
                        h("td", { class: "num muted" }, `×${c.weight.toFixed(2)}`),
                        h("td", {}, c.explanation),
                    ),
                ),
            ),
        ),
        s.completeness && s.completeness.missing.length > 0
            ? h("p", { class: "muted" }, `Missing: ${s.completeness.missing.map(missingText).join("; ")}`)
            : null,
    );
}

function missingText(m: { kind: number; metric: string; reason: string }): string {
    return `${componentLabels[m.kind] ?? m.metric} (${m.reason})`;
}

function historyCard(
    points: { label: string; value: number | undefined }[],
    t: { atRisk: number; healthy: number },
): HTMLElement {
    return h(
        "div",
        { class: "card" },
        h("h2", {}, `Score, last ${historyDays} days`),
        points.length === 0
            ? empty("No history yet.")
            : lineChart(points, {
                  title: "Health score history",
                  min: 0,
                  max: 100,
                  bands: [
                      { from: 0, to: t.atRisk, className: "critical" },
                      { from: t.atRisk, to: t.healthy, className: "at-risk" },
                      { from: t.healthy, to: 100, className: "healthy" },
                  ],
              }),
    );
}

function renewal(o: AccountOverview): HTMLElement {
    const p = o.renewalPrediction;
    if (!p)
        return h("div", { class: "card" }, h("h2", {}, "Renewal"), empty("No renewal within the prediction horizon."));
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Renewal"),
        h(
            "p",
            {},
            `Renews ${day(p.renewalDate)} (in ${p.daysToRenewal} days): `,
            h("strong", {}, percent(p.renewalProbability)),
            ` likely, risk ${riskLabels[p.risk] ?? "—"}; ${money(p.arr)} ARR, ` +
                `${money(p.expectedRenewalArr)} expected.`,
        ),
        h(
            "table",
            { class: "grid compact" },
            h(
                "tbody",
                {},
                p.drivers.map((d) =>
                    h(
                        "tr",
                        {},
                        h("td", {}, d.feature),
                        h("td", { class: "num" }, d.value.toFixed(2)),
                        h(
                            "td",
                            { class: d.contribution >= 0 ? "up" : "down" },
                            `${directionLabels[d.direction] ?? ""} renewal`,
                        ),
                        h("td", { class: "num" }, signed(d.contribution)),
                    ),
                ),
            ),
        ),
    );
}

function onboarding(o: AccountOverview): HTMLElement {
    const plan = o.onboardingPlan;
    if (!plan) return h("div", { class: "card" }, h("h2", {}, "Onboarding"), empty("No onboarding plan."));
    const ttv = plan.timeToValueDays === undefined ? "not reached yet" : `${plan.timeToValueDays} days`;
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Onboarding"),
        h("p", {}, `Started ${day(plan.startDate)} (day ${plan.daysSinceStart}); time to value: ${ttv}.`),
        h(
            "ul",
            { class: "plain" },
            plan.milestones.map((m) =>
                h("li", {}, `${["", "○", "✓", "!"][m.status] ?? ""} ${m.title} — due ${day(m.dueDate)}`),
            ),
        ),
    );
}

function usage(o: AccountOverview): HTMLElement {
    const days = o.dailyUsage;
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Usage: active users per day"),
        days.length === 0
            ? empty("No usage recorded.")
            : barChart(
                  days.map((d) => ({ label: day(d.day), value: d.activeUsers })),
                  "Active users per day",
              ),
    );
}

function nps(o: AccountOverview): HTMLElement {
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "NPS"),
        o.latestNpsResponses.length === 0
            ? empty("No answers.")
            : h(
                  "ul",
                  { class: "plain" },
                  o.latestNpsResponses.map((r) =>
                      h(
                          "li",
                          {},
                          h("strong", {}, String(r.score)),
                          ` ${instant(r.answerTime).slice(0, 10)} `,
                          r.comment,
                      ),
                  ),
              ),
    );
}

function tickets(o: AccountOverview): HTMLElement {
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Support tickets"),
        o.latestSupportTickets.length === 0
            ? empty("No tickets.")
            : h(
                  "ul",
                  { class: "plain" },
                  o.latestSupportTickets.map((t) =>
                      h(
                          "li",
                          {},
                          `${instant(t.openTime).slice(0, 10)} ${t.subject} `,
                          t.closeTime ? "(closed)" : h("strong", {}, "(open)"),
                      ),
                  ),
              ),
    );
}

function touchpoints(o: AccountOverview): HTMLElement {
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Touchpoints"),
        o.latestTouchpoints.length === 0
            ? empty("No touchpoints.")
            : h(
                  "ul",
                  { class: "plain" },
                  o.latestTouchpoints.map((t) =>
                      h("li", {}, `${instant(t.occurTime).slice(0, 10)} ${t.csm} ${t.note}`),
                  ),
              ),
    );
}

function overrideCard(accountId: string, s: HealthScore | undefined): HTMLElement {
    const current = s?.override;
    const status = h("div", { class: "status" });
    const scoreInput = h("input", {
        name: "override-score",
        type: "number",
        min: 0,
        max: 100,
        step: 1,
        placeholder: "0-100",
    }) as HTMLInputElement;
    const bandInput = h(
        "select",
        { name: "override-band" },
        h("option", { value: "" }, "from the score"),
        [HealthBand.CRITICAL, HealthBand.AT_RISK, HealthBand.HEALTHY].map((b) =>
            h("option", { value: b }, bandLabels[b]!),
        ),
    ) as HTMLSelectElement;
    const reasonInput = h("input", {
        name: "override-reason",
        required: true,
        maxlength: 1000,
        size: 50,
        placeholder: "Why (required)",
    }) as HTMLInputElement;
    const daysInput = h("input", {
        name: "override-days",
        type: "number",
        min: 1,
        max: 366,
        value: 30,
    }) as HTMLInputElement;
    const submit = async (event: Event) => {
        event.preventDefault();
        try {
            await api.health.setHealthOverride({
                accountId,
                score: scoreInput.value === "" ? undefined : Number(scoreInput.value),
                band: bandInput.value === "" ? HealthBand.UNSPECIFIED : Number(bandInput.value),
                reason: reasonInput.value,
                expireTime: timestampFromMs(Date.now() + Number(daysInput.value) * 86_400_000),
            });
            window.dispatchEvent(new HashChangeEvent("hashchange"));
        } catch (error) {
            status.replaceChildren(errorBox(error));
        }
    };
    const clear = async () => {
        try {
            await api.health.clearHealthOverride({ accountId });
            window.dispatchEvent(new HashChangeEvent("hashchange"));
        } catch (error) {
            status.replaceChildren(errorBox(error));
        }
    };
    return h(
        "div",
        { class: "card" },
        h("h2", {}, "Override"),
        current
            ? h(
                  "p",
                  { "data-figure": "override", "data-value": current.reason },
                  `${bandLabels[current.band] ?? ""} ${score(current.score)} — “${current.reason}” ` +
                      `by ${current.setBy}, until ${instant(current.expireTime)}. `,
                  h("button", { type: "button", onclick: clear, "data-action": "clear-override" }, "Clear"),
              )
            : h("p", { class: "muted" }, "No override: the computed score applies."),
        h(
            "form",
            { class: "inline", onsubmit: submit, "data-form": "override" },
            h("label", {}, "Score ", scoreInput),
            h("label", {}, "Band ", bandInput),
            h("label", {}, "Reason ", reasonInput),
            h("label", {}, "Days ", daysInput),
            h("button", { type: "submit" }, "Set override"),
        ),
        status,
    );
}
