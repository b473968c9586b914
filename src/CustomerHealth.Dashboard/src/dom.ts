// A few DOM helpers: elements from tag, attributes and children; text always goes in as text, never as HTML.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h(tag: string, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElement {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === false) continue;
        if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
        else if (value === true) element.setAttribute(name, "");
        else element.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
        if (child === null || child === undefined || child === false) continue;
        element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
}

/** A named figure: the browser tests read data-figure and data-value and compare them with the API's answer. */
export function figure(name: string, label: string, text: string, value: number | string | undefined): HTMLElement {
    return h(
        "div",
        { class: "figure" },
        h(
            "div",
            { class: "figure-value", "data-figure": name, "data-value": value === undefined ? "" : String(value) },
            text,
        ),
        h("div", { class: "figure-label" }, label),
    );
}

export function empty(message: string): HTMLElement {
    return h("p", { class: "empty", "data-state": "empty" }, message);
}

export function errorBox(error: unknown): HTMLElement {
    const message = error instanceof Error ? error.message : String(error);
    return h(
        "div",
        { class: "error", role: "alert", "data-state": "error" },
        h("strong", {}, "Could not load: "),
        message,
    );
}

export function loading(): HTMLElement {
    return h("p", { class: "loading", "data-state": "loading" }, "Loading…");
}
