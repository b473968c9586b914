// The dashboard: a hash router over four pages, the demo banner and the sign-in. Every figure comes from the API.
import "./style.css";
import { api } from "./api.js";
import { completeOidcSignIn, SignInNeeded, signInSettings, usePastedToken } from "./auth.js";
import { DemoState } from "./gen/customerhealth/v1/service_info_service_pb.js";
import { errorBox, h, loading } from "./dom.js";
import { accountPage } from "./pages/account.js";
import { overviewPage } from "./pages/overview.js";
import { renewalsPage } from "./pages/renewals.js";
import { worklistPage } from "./pages/worklist.js";

export interface Route {
    page: string;
    id?: string;
    query: URLSearchParams;
}

export function currentRoute(): Route {
    const [path, query = ""] = window.location.hash.replace(/^#\/?/, "").split("?", 2);
    const [page, id] = (path ?? "").split("/", 2);
    return { page: page || "overview", id: id ? decodeURIComponent(id) : undefined, query: new URLSearchParams(query) };
}

/** Moves to a page with new query parameters (the filters live in the URL, so a reload keeps them). */
export function navigate(page: string, query: URLSearchParams): void {
    const search = query.toString();
    window.location.hash = `#/${page}${search ? `?${search}` : ""}`;
}

const pages: Record<string, (route: Route) => Promise<HTMLElement>> = {
    overview: overviewPage,
    worklist: worklistPage,
    account: accountPage,
    renewals: renewalsPage,
};

let rendering = 0;

async function render(): Promise<void> {
    const app = document.getElementById("app")!;
    const route = currentRoute();
    const ticket = ++rendering;
    document.querySelectorAll<HTMLElement>("[data-nav]").forEach((a) => {
        a.classList.toggle("active", a.dataset.nav === route.page);
    });
    app.replaceChildren(loading());
    const page = pages[route.page];
    let content: HTMLElement;
    try {
        content = page ? await page(route) : h("p", { "data-state": "error" }, `No page called “${route.page}”.`);
    } catch (error) {
        content = error instanceof SignInNeeded ? tokenForm() : errorBox(error);
    }
    if (ticket === rendering) {
        content.dataset.page = route.page;
        app.replaceChildren(content);
    }
}

function tokenForm(): HTMLElement {
    const input = h("input", {
        type: "password",
        name: "token",
        placeholder: "Bearer token",
        size: 60,
    }) as HTMLInputElement;
    return h(
        "form",
        {
            class: "card",
            onsubmit: (event: Event) => {
                event.preventDefault();
                usePastedToken(input.value);
                void render();
            },
        },
        h("h2", {}, "Sign in"),
        h(
            "p",
            {},
            "This server takes tokens from keys it was configured with; paste one " +
                "(read scope; CSM write to set overrides).",
        ),
        input,
        h("button", { type: "submit" }, "Use token"),
    );
}

const demoText: Record<number, string> = {
    [DemoState.LOADING]: "Demo portfolio loading",
    [DemoState.COMPLETE]: "Demo portfolio complete",
    [DemoState.LEFT_ALONE]: "Demo: existing data kept",
    [DemoState.FAILED]: "Demo load failed (see the server log)",
};

/** The demo banner: polls GetServiceInfo while the portfolio loads, then refreshes the page once it is complete. */
async function watchDemo(): Promise<void> {
    const banner = document.getElementById("demo-status")!;
    try {
        const { demo } = await api.serviceInfo.getServiceInfo({});
        const state = demo?.state ?? DemoState.OFF;
        banner.dataset.state = DemoState[state];
        banner.textContent =
            state === DemoState.LOADING
                ? `${demoText[state]}: ${demo!.accountsWritten} of ${demo!.accountsPlanned} accounts`
                : (demoText[state] ?? "");
        if (state === DemoState.LOADING) {
            setTimeout(
                () =>
                    void watchDemo().then(() => {
                        if (banner.dataset.state === "COMPLETE") void render();
                    }),
                2000,
            );
        }
    } catch {
        banner.textContent = "";
    }
}

async function start(): Promise<void> {
    try {
        await completeOidcSignIn();
        const signIn = await signInSettings();
        document.getElementById("caller")!.textContent =
            signIn.mode === "development" ? "development sign-in (loopback)" : "";
    } catch (error) {
        document.getElementById("app")!.replaceChildren(errorBox(error));
        return;
    }
    window.addEventListener("hashchange", () => void render());
    await Promise.all([render(), watchDemo()]);
}

void start();
