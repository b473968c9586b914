// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against a running server
// in demo mode whose demo portfolio is complete. Each page loads; its named figures (data-figure / data-value) equal
// what the API answers over gRPC for the same query; filters survive a reload from the URL; empty and error states
// render; an override set in the page is visible through gRPC. Screenshots go to SCREENSHOTS (see tests/dashboard/run).
//
//   node dashboard.test.mjs   with WEB_URL (the page), GRPC_URL (gRPC, HTTP/2), TOKEN (a token with the read scope)
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
    AccountService,
    chromium,
    createClient,
    createGrpcTransport,
    DemoState,
    HealthScoreOrder,
    HealthService,
    MetricsService,
    PeriodKind,
    RenewalService,
    ServiceInfoService,
    UpcomingRenewalOrder,
} from "../../src/CustomerHealth.Dashboard/testing.js";

const web = process.env.WEB_URL ?? "http://127.0.0.1:5082";
const screenshots = process.env.SCREENSHOTS ?? "artifacts/dashboard";
const headers = { authorization: `Bearer ${process.env.TOKEN}` };
const transport = createGrpcTransport({ baseUrl: process.env.GRPC_URL ?? "http://127.0.0.1:5080" });
const api = {
    accounts: createClient(AccountService, transport),
    health: createClient(HealthService, transport),
    metrics: createClient(MetricsService, transport),
    renewals: createClient(RenewalService, transport),
    info: createClient(ServiceInfoService, transport),
};
mkdirSync(screenshots, { recursive: true });

const results = [];
async function test(name, body) {
    const started = Date.now();
    try {
        await body();
        results.push({ name, ok: true });
        console.log(`  passed  ${name} (${Date.now() - started} ms)`);
    } catch (error) {
        results.push({ name, ok: false });
        console.log(`  FAILED  ${name}\n${error.stack ?? error}`);
        await page
            .screenshot({ path: join(screenshots, `failed-${results.length}.png`), fullPage: true })
            .catch(() => {});
    }
}

/** Waits until the demo portfolio is written and the scores stop moving (the workers score within seconds). */
async function demoComplete() {
    for (let i = 0; ; i++) {
        const { demo } = await api.info.getServiceInfo({}, { headers });
        if (demo.state === DemoState.COMPLETE || demo.state === DemoState.LEFT_ALONE) break;
        assert.notEqual(demo.state, DemoState.FAILED, "the demo load failed");
        assert.ok(i < 600, "the demo portfolio did not complete within 10 minutes");
        await new Promise((r) => setTimeout(r, 1000));
    }
    let previous = "";
    for (let i = 0; i < 60; i++) {
        const now = JSON.stringify((await scores({ pageSize: 1000 })).map((s) => [s.accountId, s.score]));
        if (now === previous && !now.includes("null")) return;
        previous = now;
        await new Promise((r) => setTimeout(r, 2000));
    }
}

const scores = async (request) =>
    (await api.health.listHealthScores({ orderBy: HealthScoreOrder.SCORE, ...request }, { headers })).scores.map(
        (s) => ({ ...s, score: s.score ?? null }),
    );

async function open(hash) {
    await page.goto(`${web}/${hash}`);
    await page.waitForSelector("#app > [data-page]", { timeout: 30_000 });
}

async function figures() {
    return page.$$eval("[data-figure]", (nodes) =>
        Object.fromEntries(nodes.map((n) => [n.dataset.figure, n.dataset.value])),
    );
}

const close = (actual, expected, what) =>
    assert.ok(
        Math.abs(Number(actual) - expected) < 1e-9,
        `${what}: the page shows ${actual}, the API says ${expected}`,
    );

await demoComplete();
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
page.on("pageerror", (error) => console.log(`  page error: ${error.message}`));

await test("the portfolio overview shows the API's figures for the chosen period", async () => {
    await open("#/overview?period=quarter");
    const { report } = await api.metrics.getPortfolioMetrics({ period: { kind: PeriodKind.QUARTER } }, { headers });
    const shown = await figures();
    assert.equal(Number(shown.accounts), report.accounts);
    if (report.revenue?.grr !== undefined) close(shown.grr, report.revenue.grr, "GRR");
    if (report.revenue?.nrr !== undefined) close(shown.nrr, report.revenue.nrr, "NRR");
    if (report.activation?.rate !== undefined) close(shown.activation, report.activation.rate, "activation");
    if (report.nps?.score !== undefined) close(shown.nps, report.nps.score, "NPS");
    for (const band of report.accountsByBand) {
        const name = { 1: "unknown", 2: "critical", 3: "at-risk", 4: "healthy" }[band.band];
        assert.equal(Number(shown[`band-${name}`]), band.accounts, `accounts in band ${name}`);
    }
    assert.match(await page.textContent("#demo-status"), /Demo portfolio complete|existing data kept/);
    await page.screenshot({ path: join(screenshots, "overview.png"), fullPage: true });
});

await test("the overview's counts open the work list of those accounts with the overview's filters", async () => {
    const worst = (await scores({ pageSize: 1 }))[0];
    const csTier = worst.csTier || 1;
    const tier = { 1: "tech", 2: "low", 3: "high" }[csTier];
    const stageName = { 1: "lead", 2: "new", 3: "live", 4: "active", 5: "retained", 6: "advocate", 7: "churned" };
    await open(`#/overview?period=quarter&tier=${tier}`);
    const { report } = await api.metrics.getPortfolioMetrics(
        { period: { kind: PeriodKind.QUARTER }, csTier },
        { headers },
    );
    const shown = await figures();
    for (const s of report.accountsByStage)
        assert.equal(Number(shown[`stage-${stageName[s.stage]}`]), s.accounts, `accounts in stage ${s.stage}`);
    const stage = report.accountsByStage.find((s) => s.accounts > 0);
    assert.ok(stage, `no account of tier ${tier} has a lifecycle stage`);
    await page.click(`a[data-link=stage-${stageName[stage.stage]}]`);
    await page.waitForSelector("#app > [data-page=worklist]");
    assert.equal(await page.inputValue("select[data-filter=tier]"), tier);
    assert.equal(await page.inputValue("select[data-filter=stage]"), stageName[stage.stage]);
    const expected = await scores({ csTier, lifecycleStage: stage.stage, pageSize: 25 });
    const rows = await page.$$eval("tr[data-account-id]", (trs) => trs.map((tr) => tr.dataset.accountId));
    assert.deepEqual(
        rows,
        expected.map((s) => s.accountId),
    );
    assert.ok(rows.length > 0, "the stage's work list is empty");
});

await test("the work list's filters go into the URL, survive a reload and list what the API lists", async () => {
    // The worst account's tier and owner: the demo mixes tiers, so any one of them may have no account.
    const worst = (await scores({ pageSize: 1 }))[0];
    const owner = worst.account.owner;
    const csTier = worst.csTier || 1;
    const tier = { 1: "tech", 2: "low", 3: "high" }[csTier];
    await open("#/worklist");
    await page.selectOption("select[data-filter=tier]", tier);
    await page.waitForURL(new RegExp(`tier=${tier}`));
    await page.waitForSelector("#app > [data-page]");
    await page.fill("input[data-filter=owner]", owner);
    await page.press("input[data-filter=owner]", "Tab");
    await page.waitForURL(/owner=/);
    await page.reload();
    await page.waitForSelector("#app > [data-page=worklist]");
    assert.equal(await page.inputValue("input[data-filter=owner]"), owner);
    assert.equal(await page.inputValue("select[data-filter=tier]"), tier);
    const expected = await scores({ owner, csTier, pageSize: 25 });
    const rows = await page.$$eval("tr[data-account-id]", (trs) =>
        trs.map((tr) => [tr.dataset.accountId, tr.querySelector("[data-figure=score]").dataset.value]),
    );
    if (expected.length === 0) assert.ok(await page.$("[data-state=empty]"), "no empty state for an empty list");
    assert.deepEqual(
        rows,
        expected.map((s) => [s.accountId, s.score === null ? "" : String(s.score)]),
    );
    await page.screenshot({ path: join(screenshots, "worklist.png"), fullPage: true });
});

let accountId;
await test("the account page shows the account's score, components and renewal prediction", async () => {
    accountId = (await scores({ pageSize: 1 }))[0].accountId;
    await open("#/worklist");
    await page.click(`tr[data-account-id="${accountId}"] a`);
    await page.waitForSelector(`#app > [data-page=account][data-account-id="${accountId}"]`);
    const { overview } = await api.accounts.getAccountOverview({ accountId }, { headers });
    const shown = await figures();
    close(shown.score, overview.healthScore.score, "score");
    if (overview.renewalPrediction)
        close(shown["renewal-probability"], overview.renewalPrediction.renewalProbability, "renewal probability");
    const components = await page.$$eval("[data-component]", (rows) => rows.length);
    assert.equal(components, overview.healthScore.components.length);
    assert.ok(await page.$("svg.chart path.line"), "no score history chart");
    await page.screenshot({ path: join(screenshots, "account.png"), fullPage: true });
});

await test("an override set in the page is visible through gRPC", async () => {
    const reason = `Browser test ${Date.now()}: the sponsor left`;
    await page.fill("input[name=override-score]", "15");
    await page.fill("input[name=override-reason]", reason);
    await page.click("form[data-form=override] button[type=submit]");
    await page.waitForSelector("[data-figure=override]");
    const { score } = await api.health.getHealthScore({ accountId }, { headers });
    assert.equal(score.override?.reason, reason);
    assert.equal(score.override?.score, 15);
    assert.equal(await page.getAttribute("[data-figure=override]", "data-value"), reason);
});

await test("upcoming renewals by risk equal the API's, and the order survives a reload", async () => {
    await open("#/renewals?order=risk&within=90");
    await page.reload();
    await page.waitForSelector("#app > [data-page=renewals]");
    assert.equal(await page.inputValue("select[data-filter=order]"), "risk");
    const { predictions } = await api.renewals.listUpcomingRenewals(
        { withinDays: 90, orderBy: UpcomingRenewalOrder.RISK, pageSize: 25 },
        { headers },
    );
    const rows = await page.$$eval("tr[data-contract-id]", (trs) =>
        trs.map((tr) => [tr.dataset.contractId, Number(tr.querySelector("[data-figure=probability]").dataset.value)]),
    );
    assert.deepEqual(
        rows,
        predictions.map((p) => [p.contractId, p.renewalProbability]),
    );
    await page.screenshot({ path: join(screenshots, "renewals.png"), fullPage: true });
});

await test("an empty list and a failed call render their states", async () => {
    await open("#/worklist?owner=nobody.at.all%40example.com");
    assert.ok(await page.$("[data-state=empty]"), "no empty state");
    await open("#/account/no-such-account");
    const error = await page.textContent("[data-state=error]");
    assert.match(error ?? "", /Could not load/);
});

await browser.close();
const failed = results.filter((r) => !r.ok).length;
console.log(`dashboard: ${results.length - failed} passed, ${failed} failed; screenshots in ${screenshots}`);
process.exit(failed === 0 ? 0 : 1);
