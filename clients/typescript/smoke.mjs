// Lists accounts, reads the worst health scores and the riskiest upcoming renewals through the generated TypeScript
// client, and exits non-zero on any error or, once --wait seconds are over, on any empty answer (the demo portfolio
// may still be loading). Arguments: --target URL (default http://127.0.0.1:5080), --token-file FILE, --wait SECONDS.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
    AccountService,
    createClient,
    createGrpcTransport,
    HealthScoreOrder,
    HealthService,
    RenewalService,
    UpcomingRenewalOrder,
} from "../../src/CustomerHealth.Dashboard/testing.js";

const { values } = parseArgs({
    options: { target: { type: "string" }, "token-file": { type: "string" }, wait: { type: "string" } },
});
const transport = createGrpcTransport({ baseUrl: values.target ?? "http://127.0.0.1:5080" });
const token = values["token-file"]
    ? readFileSync(values["token-file"], "utf8").trim()
    : process.env.CUSTOMERHEALTH_TOKEN;
const options = { headers: token ? { authorization: `Bearer ${token}` } : {}, timeoutMs: 10_000 };
const deadline = Date.now() + Number(values.wait ?? "0") * 1000;

/** Calls until the answer holds items; UNAVAILABLE (still starting) is retried, any other error is fatal. */
async function untilAnswered(name, call, items) {
    for (;;) {
        try {
            const answer = await call();
            if (items(answer).length > 0) return answer;
        } catch (error) {
            if (error.code !== 14 || Date.now() > deadline) throw new Error(`${name} failed: ${error.message}`);
        }
        if (Date.now() > deadline) throw new Error(`${name} answered nothing (is the demo portfolio seeded?)`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

const sorted = (xs) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);
const accounts = createClient(AccountService, transport);
const health = createClient(HealthService, transport);
const renewals = createClient(RenewalService, transport);

try {
    const page = await untilAnswered(
        "ListAccounts",
        () => accounts.listAccounts({ pageSize: 5 }, options),
        (a) => a.accounts,
    );
    console.log(`accounts: ${page.totalSize} in all; first: ${page.accounts.map((a) => a.accountId).join(", ")}`);

    const { scores } = await untilAnswered(
        "ListHealthScores",
        () => health.listHealthScores({ orderBy: HealthScoreOrder.SCORE, pageSize: 5 }, options),
        (a) => a.scores.filter((s) => s.score !== undefined),
    );
    const known = scores.map((s) => s.score).filter((s) => s !== undefined);
    if (!sorted(known)) throw new Error(`ListHealthScores ordered by score is not lowest first: ${known}`);
    console.log("worst scores:");
    for (const s of scores) console.log(`  ${s.accountId.padEnd(24)} ${s.score?.toFixed(1).padStart(5) ?? "    ?"}`);

    const { predictions } = await untilAnswered(
        "ListUpcomingRenewals",
        () => renewals.listUpcomingRenewals({ orderBy: UpcomingRenewalOrder.RISK, pageSize: 5 }, options),
        (a) => a.predictions,
    );
    const probabilities = predictions.map((p) => p.renewalProbability);
    if (!sorted(probabilities) || !probabilities.every((p) => p >= 0 && p <= 1))
        throw new Error(`ListUpcomingRenewals by risk is not lowest probability first in [0, 1]: ${probabilities}`);
    console.log("riskiest upcoming renewals:");
    for (const p of predictions)
        console.log(`  ${p.contractId.padEnd(24)} ${(p.renewalProbability * 100).toFixed(1)}%`);
    console.log("typescript smoke: passed");
} catch (error) {
    console.error(`typescript smoke: ${error.message}`);
    process.exit(1);
}
