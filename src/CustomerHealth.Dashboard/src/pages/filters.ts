// Filter controls whose values live in the URL: changing one navigates, so a reload or a shared link keeps it.
import { h } from "../dom.js";
import { navigate, type Route } from "../main.js";

export interface Choice {
    value: string;
    label: string;
}

export function select(route: Route, name: string, label: string, choices: Choice[]): HTMLElement {
    const current = route.query.get(name) ?? "";
    const control = h(
        "select",
        {
            name,
            "data-filter": name,
            onchange: (event: Event) => change(route, name, (event.target as HTMLSelectElement).value),
        },
        choices.map((c) => h("option", { value: c.value, selected: c.value === current }, c.label)),
    );
    return h("label", { class: "filter" }, label, control);
}

export function text(route: Route, name: string, label: string, placeholder: string): HTMLElement {
    const control = h("input", {
        name,
        "data-filter": name,
        value: route.query.get(name) ?? "",
        placeholder,
        onchange: (event: Event) => change(route, name, (event.target as HTMLInputElement).value.trim()),
    });
    return h("label", { class: "filter" }, label, control);
}

function change(route: Route, name: string, value: string): void {
    const query = new URLSearchParams(route.query);
    if (value) query.set(name, value);
    else query.delete(name);
    query.delete("page"); // a page token belongs to the old filters
    navigate(route.page, query);
}

/** "First page" and "Next page" links; the page token is in the URL too. */
export function pager(route: Route, nextPageToken: string): HTMLElement {
    const first = new URLSearchParams(route.query);
    first.delete("page");
    const next = new URLSearchParams(route.query);
    next.set("page", nextPageToken);
    return h(
        "div",
        { class: "pager" },
        route.query.has("page")
            ? h("button", { onclick: () => navigate(route.page, first), "data-pager": "first" }, "« First page")
            : null,
        nextPageToken
            ? h("button", { onclick: () => navigate(route.page, next), "data-pager": "next" }, "Next page »")
            : null,
    );
}

export const tierChoices: Choice[] = [
    { value: "", label: "Any tier" },
    { value: "high", label: "High touch" },
    { value: "low", label: "Low touch" },
    { value: "tech", label: "Tech touch" },
];
