// Small inline SVG charts: no chart library, the data drawn as it comes from the API.

const svgNs = "http://www.w3.org/2000/svg";

function svg(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
    const element = document.createElementNS(svgNs, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
}

export interface Point {
    label: string;
    value: number | undefined;
}

interface LineOptions {
    title: string;
    min?: number;
    max?: number;
    bands?: { from: number; to: number; className: string }[];
}

/** A line over days (gaps where a value is missing), with optional shaded bands (the health bands). */
export function lineChart(points: Point[], options: LineOptions): SVGElement {
    const width = 640,
        height = 200,
        left = 36,
        right = 8,
        top = 10,
        bottom = 24;
    const values = points.map((p) => p.value).filter((v): v is number => v !== undefined);
    const min = options.min ?? Math.min(0, ...values);
    const max = options.max ?? Math.max(1, ...values);
    const x = (i: number) =>
        left + (points.length <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (points.length - 1));
    const y = (v: number) => top + ((max - v) * (height - top - bottom)) / (max - min || 1);
    const chart = svg("svg", {
        viewBox: `0 0 ${width} ${height}`,
        class: "chart",
        role: "img",
        "aria-label": options.title,
    });
    for (const band of options.bands ?? []) {
        chart.append(
            svg("rect", {
                x: left,
                width: width - left - right,
                y: y(band.to),
                height: y(band.from) - y(band.to),
                class: `band-${band.className}`,
            }),
        );
    }
    for (const tick of [min, (min + max) / 2, max]) {
        chart.append(
            svg("text", { x: left - 4, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, tick.toFixed(0)),
        );
    }
    let path = "";
    points.forEach((p, i) => {
        if (p.value === undefined) return;
        path += `${path && points[i - 1]?.value !== undefined ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
    });
    chart.append(svg("path", { d: path, class: "line" }));
    points.forEach((p, i) => {
        if (p.value !== undefined) chart.append(svg("circle", { cx: x(i), cy: y(p.value), r: 3, class: "dot" }));
    });
    const step = Math.max(1, Math.ceil(points.length / 6));
    points.forEach((p, i) => {
        if (i % step === 0 || i === points.length - 1)
            chart.append(
                svg("text", { x: x(i), y: height - 6, class: "axis", "text-anchor": "middle" }, p.label.slice(5)),
            );
    });
    chart.append(svg("title", {}, options.title));
    return chart;
}

/** Vertical bars over days (usage). */
export function barChart(points: Point[], title: string): SVGElement {
    const width = 640,
        height = 140,
        left = 36,
        bottom = 20,
        top = 8;
    const max = Math.max(1, ...points.map((p) => p.value ?? 0));
    const slot = (width - left) / Math.max(1, points.length);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
    chart.append(svg("text", { x: left - 4, y: top + 8, class: "axis", "text-anchor": "end" }, compact(max)));
    points.forEach((p, i) => {
        const h = ((p.value ?? 0) * (height - top - bottom)) / max;
        chart.append(
            svg("rect", {
                x: left + i * slot + 1,
                y: height - bottom - h,
                width: Math.max(1, slot - 2),
                height: h,
                class: "bar",
            }),
        );
    });
    const step = Math.max(1, Math.ceil(points.length / 6));
    points.forEach((p, i) => {
        if (i % step === 0)
            chart.append(svg("text", { x: left + i * slot, y: height - 4, class: "axis" }, p.label.slice(5)));
    });
    chart.append(svg("title", {}, title));
    return chart;
}

/** Horizontal bars with labels and counts (accounts by band or stage, drivers). */
export function rowBars(rows: { label: string; value: number; className?: string }[], title: string): SVGElement {
    const width = 420,
        row = 24,
        labelWidth = 110;
    const max = Math.max(1, ...rows.map((r) => Math.abs(r.value)));
    const chart = svg("svg", {
        viewBox: `0 0 ${width} ${rows.length * row + 4}`,
        class: "chart rows",
        role: "img",
        "aria-label": title,
    });
    rows.forEach((r, i) => {
        const w = (Math.abs(r.value) * (width - labelWidth - 50)) / max;
        chart.append(svg("text", { x: 0, y: i * row + 16, class: "label" }, r.label));
        chart.append(
            svg("rect", {
                x: labelWidth,
                y: i * row + 4,
                width: Math.max(1, w),
                height: row - 8,
                class: `bar ${r.className ?? ""}`,
            }),
        );
        chart.append(svg("text", { x: labelWidth + w + 6, y: i * row + 16, class: "count" }, compact(r.value)));
    });
    chart.append(svg("title", {}, title));
    return chart;
}

function compact(value: number): string {
    return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 }).format(value);
}
