// How the page gets its bearer token, as /web/sign-in says:
// - development: the server's loopback development mode hands a short-lived token (read and CSM write) to a page on
//   a loopback address (/web/development-token);
// - oidc: OpenID Connect authorization code with PKCE at the configured identity provider (a public client);
// - token: the person pastes a bearer token (kept for this tab only);
// - unauthenticated: the server takes calls without one (loopback experiments).

interface SignIn {
    mode: "development" | "oidc" | "token" | "unauthenticated";
    authority?: string | null;
    clientId?: string | null;
    scope: string;
}

interface Held {
    token: string;
    expires: number;
}

const storageKey = "customerhealth.token";
let settings: Promise<SignIn> | undefined;

export function signInSettings(): Promise<SignIn> {
    settings ??= fetch("web/sign-in").then((r) => {
        if (!r.ok) throw new Error(`The server's sign-in settings did not load (HTTP ${r.status}).`);
        return r.json() as Promise<SignIn>;
    });
    return settings;
}

function held(): Held | undefined {
    const raw = sessionStorage.getItem(storageKey);
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Held;
    return value.expires > Date.now() + 60_000 ? value : undefined;
}

function hold(token: string, expiresInSeconds: number): string {
    sessionStorage.setItem(storageKey, JSON.stringify({ token, expires: Date.now() + expiresInSeconds * 1000 }));
    return token;
}

/** The token for the next call, fetched or renewed as the sign-in mode allows; undefined when none is needed. */
export async function currentToken(): Promise<string | undefined> {
    const now = held();
    if (now) return now.token;
    const signIn = await signInSettings();
    switch (signIn.mode) {
        case "unauthenticated":
            return undefined;
        case "development": {
            const r = await fetch("web/development-token", { cache: "no-store" });
            if (!r.ok) throw new Error("The development token is only handed to pages opened on a loopback address.");
            const body = (await r.json()) as { token: string; expiresIn: number };
            return hold(body.token, body.expiresIn);
        }
        case "oidc":
            await beginOidcSignIn(signIn);
            return undefined;
        case "token":
            throw new SignInNeeded();
    }
}

export class SignInNeeded extends Error {
    constructor() {
        super("Sign in with a bearer token for this service.");
    }
}

/** For mode "token": keeps a pasted token for this tab (an hour, or until the tab closes). */
export function usePastedToken(token: string): void {
    hold(token.trim(), 3600);
}

export function signOut(): void {
    sessionStorage.removeItem(storageKey);
}

// OpenID Connect authorization code flow with PKCE (RFC 7636), for a public client.

interface Discovery {
    authorization_endpoint: string;
    token_endpoint: string;
}

async function discover(authority: string): Promise<Discovery> {
    const r = await fetch(`${authority.replace(/\/$/, "")}/.well-known/openid-configuration`);
    if (!r.ok) throw new Error(`The identity provider's discovery document did not load (HTTP ${r.status}).`);
    return (await r.json()) as Discovery;
}

function base64Url(bytes: Uint8Array): string {
    return btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
}

function redirectUri(): string {
    return new URL(".", window.location.href).href;
}

async function beginOidcSignIn(signIn: SignIn): Promise<never> {
    const discovery = await discover(signIn.authority!);
    const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
    const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
    const challenge = base64Url(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
    );
    sessionStorage.setItem("customerhealth.pkce", JSON.stringify({ verifier, state, hash: window.location.hash }));
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams({
        response_type: "code",
        client_id: signIn.clientId!,
        redirect_uri: redirectUri(),
        scope: signIn.scope,
        state,
        code_challenge: challenge,
        code_challenge_method: "S256",
    }).toString();
    window.location.assign(url.href);
    return new Promise<never>(() => {});
}

/** On the way back from the identity provider (?code=&state=): trades the code for a token, then restores the page. */
export async function completeOidcSignIn(): Promise<void> {
    const query = new URLSearchParams(window.location.search);
    const code = query.get("code");
    const pending = sessionStorage.getItem("customerhealth.pkce");
    if (!code || !pending) return;
    const { verifier, state, hash } = JSON.parse(pending) as { verifier: string; state: string; hash: string };
    sessionStorage.removeItem("customerhealth.pkce");
    if (query.get("state") !== state)
        throw new Error("The sign-in answer does not belong to this page (state differs).");
    const signIn = await signInSettings();
    const discovery = await discover(signIn.authority!);
    const r = await fetch(discovery.token_endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
            grant_type: "authorization_code",
            code,
            redirect_uri: redirectUri(),
            client_id: signIn.clientId!,
            code_verifier: verifier,
        }),
    });
    if (!r.ok) throw new Error(`The identity provider refused the sign-in code (HTTP ${r.status}).`);
    const body = (await r.json()) as { access_token: string; expires_in?: number };
    hold(body.access_token, body.expires_in ?? 300);
    window.history.replaceState(null, "", `${window.location.pathname}${hash}`);
}
