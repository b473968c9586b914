// How values read on the page: labels of the contract's enums, money, shares, days.
import type { Money } from "./gen/google/type/money_pb.js";
import type { Date as ProtoDate } from "./gen/google/type/date_pb.js";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { HealthBand, HealthComponentKind, LifecycleStage } from "./gen/customerhealth/v1/health_pb.js";
import { CsTier } from "./gen/customerhealth/v1/accounts_pb.js";
import { RenewalRisk, DriverDirection } from "./gen/customerhealth/v1/renewals_pb.js";

export const bandLabels: Record<number, string> = {
    [HealthBand.UNKNOWN]: "Unknown",
    [HealthBand.CRITICAL]: "Critical",
    [HealthBand.AT_RISK]: "At risk",
    [HealthBand.HEALTHY]: "Healthy",
};

export const bandClass: Record<number, string> = {
    [HealthBand.UNKNOWN]: "unknown",
    [HealthBand.CRITICAL]: "critical",
    [HealthBand.AT_RISK]: "at-risk",
    [HealthBand.HEALTHY]: "healthy",
};

export const tierLabels: Record<number, string> = {
    [CsTier.UNSPECIFIED]: "—",
    [CsTier.TECH_TOUCH]: "Tech touch",
    [CsTier.LOW_TOUCH]: "Low touch",
    [CsTier.HIGH_TOUCH]: "High touch",
};

export const stageLabels: Record<number, string> = {
    [LifecycleStage.LEAD]: "Lead",
    [LifecycleStage.NEW]: "New",
    [LifecycleStage.LIVE]: "Live",
    [LifecycleStage.ACTIVE]: "Active",
    [LifecycleStage.RETAINED]: "Retained",
    [LifecycleStage.ADVOCATE]: "Advocate",
    [LifecycleStage.CHURNED]: "Churned",
};

/** A stage's name in a link's query (`#/worklist?stage=active`): its label in lower case. */
export const stageNames: Record<number, string> = Object.fromEntries(
    Object.entries(stageLabels).map(([stage, label]) => [stage, label.toLowerCase()]),
);

export const componentLabels: Record<number, string> = {
    [HealthComponentKind.ENGAGEMENT]: "Engagement",
    [HealthComponentKind.ADOPTION]: "Adoption",
    [HealthComponentKind.MOMENTUM]: "Momentum",
    [HealthComponentKind.ONBOARDING]: "Onboarding",
    [HealthComponentKind.SENTIMENT]: "Sentiment",
    [HealthComponentKind.SUPPORT]: "Support",
    [HealthComponentKind.RELATIONSHIP]: "Relationship",
    [HealthComponentKind.USAGE_METRIC]: "Usage metric",
};

export const riskLabels: Record<number, string> = {
    [RenewalRisk.LOW]: "Low",
    [RenewalRisk.MEDIUM]: "Medium",
    [RenewalRisk.HIGH]: "High",
    [RenewalRisk.CRITICAL]: "Critical",
};

export const directionLabels: Record<number, string> = {
    [DriverDirection.RAISES_RENEWAL]: "raises",
    [DriverDirection.LOWERS_RENEWAL]: "lowers",
};

export function moneyValue(money: Money | undefined): number {
    if (!money) return 0;
    return Number(money.units) + money.nanos / 1e9;
}

export function money(value: Money | undefined): string {
    if (!value) return "—";
    return new Intl.NumberFormat("en-US", {
        style: "currency",
        currency: value.currencyCode || "USD",
        maximumFractionDigits: 0,
    }).format(moneyValue(value));
}

export function score(value: number | undefined): string {
    return value === undefined ? "—" : value.toFixed(1);
}

export function percent(value: number | undefined): string {
    return value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

export function signed(value: number | undefined): string {
    if (value === undefined) return "—";
    return `${value > 0 ? "+" : ""}${value.toFixed(1)}`;
}

export function day(value: ProtoDate | undefined): string {
    if (!value) return "—";
    return `${value.year}-${String(value.month).padStart(2, "0")}-${String(value.day).padStart(2, "0")}`;
}

export function instant(value: Timestamp | undefined): string {
    if (!value) return "—";
    return new Date(Number(value.seconds) * 1000).toISOString().slice(0, 16).replace("T", " ");
}

export function protoDate(date: globalThis.Date): ProtoDate {
    return {
        $typeName: "google.type.Date",
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
    } as ProtoDate;
}
